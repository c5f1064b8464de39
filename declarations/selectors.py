"""Reads: the draft as a document, snapshots in the interchange format."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch

from .interchange import Snapshot, default_slug
from .models import Clause, ClauseText, Declaration, Section


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
    result: list[SectionView] = []
    number = 0
    for section in sections:
        view = SectionView(section=section)
        for clause in section.clauses.all():
            number += 1
            view.clauses.append(
                ClauseView(clause=clause, texts={t.language: t for t in clause.texts.all()}, number=number)
            )
        result.append(view)
    return result


def declaration_snapshot(declaration: Declaration) -> Snapshot:
    """The current draft in the interchange format (what export writes and publishing freezes)."""
    data: Snapshot = {"title": dict(declaration.title), "languages": list(declaration.languages)}
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
