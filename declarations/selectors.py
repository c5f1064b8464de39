"""Reads: the draft as a document, snapshots in the interchange format."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch

from .interchange import SnapshotData, default_slug
from .models import Clause, ClauseText, Declaration, Section
from .snapshot import paragraphs


@dataclass
class ClauseView:
    clause: Clause
    texts: dict[str, ClauseText] = field(default_factory=dict)
    number: int = 0  # paragraph number in reading order, as UN documents print them

    def text(self, language: str) -> str:
        item = self.texts.get(language)
        return item.text if item else ""


@dataclass
class SectionView:
    section: Section
    clauses: list[ClauseView] = field(default_factory=list)


def document(declaration: Declaration, *, include_deleted: bool = False) -> list[SectionView]:
    """The current draft as sections of clauses with their texts, in three queries."""
    clause_qs = Clause.objects.order_by("position", "id").prefetch_related(
        Prefetch("texts", queryset=ClauseText.objects.order_by("language"))
    )
    section_qs = Section.objects.filter(declaration=declaration).order_by("position", "id")
    if not include_deleted:
        clause_qs = clause_qs.filter(deleted_at__isnull=True)
        section_qs = section_qs.filter(deleted_at__isnull=True)
    sections = section_qs.prefetch_related(Prefetch("clauses", queryset=clause_qs))
    result = [SectionView(section=section) for section in sections]
    in_order = ([(view, clause) for clause in view.section.clauses.all()] for view in result)
    for number, (view, clause) in paragraphs(in_order):
        view.clauses.append(ClauseView(clause=clause, texts={t.language: t for t in clause.texts.all()}, number=number))
    return result


def declaration_snapshot(declaration: Declaration) -> SnapshotData:
    """The current draft in the interchange format (what export writes and publishing freezes)."""
    data: SnapshotData = {"title": dict(declaration.title), "languages": list(declaration.languages)}
    if declaration.source_language != declaration.languages[0]:
        data["source_language"] = declaration.source_language
    if declaration.provenance:
        data["versions"] = declaration.provenance
    data["sections"] = [
        {
            "key": sv.section.key,
            "heading": dict(sv.section.heading),
            "clauses": [
                {
                    "key": cv.clause.key,
                    "text": {lang: cv.texts[lang].text for lang in declaration.languages if lang in cv.texts},
                }
                for cv in sv.clauses
            ],
        }
        for sv in document(declaration)
    ]
    # Written first only when it differs from what the title implies, so the file round-trips.
    if declaration.slug != default_slug(data):
        data = {"slug": declaration.slug, **data}
    return data


# --- Drafting reads ---------------------------------------------------------------------------

DRAFT = "draft"


def clause_view(declaration: Declaration, key: str) -> ClauseView | None:
    """One live clause as the reading page shows it, with its paragraph number."""
    for sv in document(declaration):
        for cv in sv.clauses:
            if cv.clause.key == key:
                return cv
    return None


def drifted_texts(declaration: Declaration) -> list[ClauseText]:
    """Live clause texts flagged "translation needs update", in reading order."""
    return list(
        ClauseText.objects.filter(
            clause__declaration=declaration,
            needs_review=True,
            clause__deleted_at__isnull=True,
            clause__section__deleted_at__isnull=True,
        )
        .select_related("clause", "clause__section")
        .order_by("clause__section__position", "clause__position", "clause_id", "language")
    )


def deleted_clauses(declaration: Declaration) -> list[Clause]:
    """Soft-deleted clauses, newest deletion first, with their texts."""
    return list(
        Clause.objects.filter(declaration=declaration, deleted_at__isnull=False)
        .select_related("section")
        .prefetch_related("texts")
        .order_by("-deleted_at")
    )


def deleted_sections(declaration: Declaration) -> list[Section]:
    return list(Section.objects.filter(declaration=declaration, deleted_at__isnull=False).order_by("-deleted_at"))


@dataclass
class Revision:
    """One saved revision of a clause's text in one language (or a drift/confirm event)."""

    language: str
    revision: int
    text: str
    when: Any
    user: Any
    reason: str
    previous: str | None  # the text of the previous revision; None for the first
    text_changed: bool


def clause_revisions(clause: Clause) -> dict[str, list[Revision]]:
    """Every history entry of the clause's texts, per language, newest first."""
    records = (
        ClauseText.history.filter(clause_id=clause.pk)
        .select_related("history_user")
        .order_by("language", "history_date", "history_id")
    )
    result: dict[str, list[Revision]] = {}
    last_text: dict[str, str] = {}
    for record in records:
        previous = last_text.get(record.language)
        changed = previous is None or previous != record.text
        result.setdefault(record.language, []).append(
            Revision(
                language=record.language,
                revision=record.revision,
                text=record.text,
                when=record.history_date,
                user=record.history_user,
                reason=record.history_change_reason or "",
                previous=previous,
                text_changed=changed,
            )
        )
        last_text[record.language] = record.text
    for items in result.values():
        items.reverse()
    return result


def clause_events(clause: Clause) -> list[Any]:
    """History of the clause row itself (added, moved, deleted, restored), newest first."""
    return list(clause.history.select_related("history_user").order_by("-history_date", "-history_id"))


def text_at_revision(clause_text: ClauseText, revision: int) -> str | None:
    """The text a clause had in one language at a given revision (from history)."""
    record = (
        ClauseText.history.filter(id=clause_text.pk, revision=revision).order_by("-history_date", "-history_id").first()
    )
    return record.text if record is not None else None
