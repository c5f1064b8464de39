"""Draft comments read from files a party filled offline (Word, the comment matrix): the plan, its checks, the write.

An upload is read into an ``ImportPlan`` first (nothing written): what will be created and what could
not be matched. The reviewer sees it as a preview; confirming creates every planned draft in one
transaction, or none. Nothing is submitted: the party's focal point submits as usual.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from config.auth_types import User
from declarations.models import Clause, ClauseText, Section
from signatories.models import Party

from .models import Comment, CommentRound
from .services.comments import comment_create
from .services.common import MAX_COMMENT_LENGTH, ConsultationError

MAX_UPLOAD = 50 * 1024 * 1024  # bytes, checked on the upload's size before anything is read
MAX_ITEMS = 1000  # planned comments per file: a preview beyond that is not a review
MAX_PLAN_CHARACTERS = 5_000_000

# Bidirectional controls reorder what a reader sees (the "Trojan Source" trick): a reviewer's comment
# could read one way in the preview and another in the record.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MARKUP = re.compile(r"<\s*/?\s*(script|iframe|object|embed|style)\b|javascript\s*:|\bon[a-z]+\s*=\s*[\"']", re.I)


class FileImportError(ConsultationError):
    """The file cannot be imported at all; the message says why and nothing was created."""


@dataclass
class PlannedComment:
    """One draft to create: a comment (general/editorial/substantive) or a proposal on a clause."""

    kind: str
    language: str
    clause_key: str | None = None  # None with no section: the whole declaration
    section_key: str | None = None
    text: str = ""
    proposed_text: str = ""
    base_text: str = ""  # the clause text the proposal was made against (checked again on confirm)
    source: str = ""  # where in the file it came from, for the preview ("Word comment 3 by …", "row 7")
    note: str = ""  # a warning shown in the preview (e.g. the clause changed since the export)


@dataclass
class Unmatched:
    """Something in the file that will not become a draft, and why."""

    source: str
    reason: str
    excerpt: str = ""


@dataclass
class ImportPlan:
    """What an upload will create (``items``), what it will not (``unmatched``), and a notice for the reader."""

    kind: str  # "docx" or "matrix"
    filename: str
    items: list[PlannedComment] = field(default_factory=list)
    unmatched: list[Unmatched] = field(default_factory=list)
    notice: str = ""
    duplicates: int = 0  # items already imported (identical draft or comment of the party): skipped

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ImportPlan:
        return cls(
            kind=data["kind"],
            filename=data["filename"],
            items=[PlannedComment(**item) for item in data["items"]],
            unmatched=[Unmatched(**item) for item in data["unmatched"]],
            notice=data.get("notice", ""),
            duplicates=data.get("duplicates", 0),
        )


def read_upload(upload: UploadedFile, *, extensions: tuple[str, ...]) -> bytes:
    """The upload's bytes, refused before reading when it is too large or not of an accepted kind."""
    name = (upload.name or "").lower()
    if name.endswith((".docm", ".dotm", ".xlsm", ".xltm")):
        raise FileImportError(_("Files with macros (.docm, .xlsm) are not accepted: save the file as .docx or .xlsx."))
    if not name.endswith(extensions):
        raise FileImportError(_("Upload a Word file (.docx) or a comment matrix (.xlsx)."))
    if upload.size is None or upload.size > MAX_UPLOAD:
        raise FileImportError(_("The file is larger than 50 MB."))
    return upload.read()


def check_text(text: str, where: str) -> str:
    """Text from a file as Accord stores it, or FileImportError naming the place when it is hostile."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if _CONTROL.search(text):
        raise FileImportError(_("%(where)s contains control characters (such as NUL).") % {"where": where})
    if _BIDI.search(text):
        raise FileImportError(
            _("%(where)s contains bidirectional control characters, which can disguise text.") % {"where": where}
        )
    if _MARKUP.search(text):
        raise FileImportError(_("%(where)s contains script or HTML markup.") % {"where": where})
    if len(text) > MAX_COMMENT_LENGTH:
        raise FileImportError(_("%(where)s is longer than 20,000 characters.") % {"where": where})
    return text


def live_texts(round: CommentRound) -> dict[tuple[str, str], str]:
    """(clause key, language) → the live draft's text, for the clauses still in the draft."""
    return {
        (key, language): text
        for key, language, text in ClauseText.objects.filter(
            clause__declaration=round.declaration, clause__deleted_at__isnull=True
        ).values_list("clause__key", "language", "text")
    }


def _existing(round: CommentRound, party: Party) -> set[tuple[Any, ...]]:
    return set(
        Comment.objects.filter(round=round, party=party).values_list(
            "clause__key", "section__key", "language", "kind", "text", "proposed_text"
        )
    )


def _signature(item: PlannedComment) -> tuple[Any, ...]:
    return (item.clause_key, item.section_key, item.language, item.kind, item.text, item.proposed_text)


def mark_duplicates(plan: ImportPlan, *, round: CommentRound, party: Party) -> ImportPlan:
    """Drop items the party already has (same target, language, type and text): uploading twice adds nothing."""
    existing = _existing(round, party)
    kept: list[PlannedComment] = []
    seen: set[tuple[Any, ...]] = set()
    for item in plan.items:
        signature = _signature(item)
        if signature in existing or signature in seen:
            plan.duplicates += 1
            continue
        seen.add(signature)
        kept.append(item)
    plan.items = kept
    # The plan waits in the session between preview and confirmation: bounded in count and in size.
    size = sum(len(i.text) + len(i.proposed_text) + len(i.base_text) for i in kept)
    if len(kept) > MAX_ITEMS or size > MAX_PLAN_CHARACTERS:
        raise FileImportError(_("The file holds more than %(n)d comments; split it.") % {"n": MAX_ITEMS})
    return plan


def comments_import(
    *, round: CommentRound, party: Party, plan: ImportPlan, by: User, now: datetime.datetime | None = None
) -> list[Comment]:
    """Create the plan's drafts for the party, all or none; duplicates of the party's comments are skipped."""
    created: list[Comment] = []
    with transaction.atomic():
        # Re-checked under the round's lock, so two confirmations of one upload do not both create drafts.
        CommentRound.objects.select_for_update().get(pk=round.pk)
        existing = _existing(round, party)
        clauses = {c.key: c for c in Clause.objects.filter(declaration=round.declaration, deleted_at__isnull=True)}
        sections = {s.key: s for s in Section.objects.filter(declaration=round.declaration, deleted_at__isnull=True)}
        texts = live_texts(round)
        for item in plan.items:
            if _signature(item) in existing:
                continue
            existing.add(_signature(item))
            clause = clauses.get(item.clause_key) if item.clause_key else None
            section = sections.get(item.section_key) if item.section_key else None
            if (item.clause_key and clause is None) or (item.section_key and section is None):
                raise ConsultationError(
                    _("%(source)s: the clause or section is no longer in the draft; upload the file again.")
                    % {"source": item.source}
                )
            if item.kind == Comment.Kind.PROPOSED_TEXT and texts.get((item.clause_key or "", item.language)) != (
                item.base_text
            ):
                message = _("%(source)s: the clause changed since the preview; upload the file again.")
                raise ConsultationError(message % {"source": item.source})
            created.append(
                comment_create(
                    round=round,
                    party=party,
                    kind=item.kind,
                    language=item.language,
                    text=item.text,
                    proposed_text=item.proposed_text,
                    clause=clause,
                    section=section,
                    by=by,
                    now=now,
                    # The history says where the draft came from: the file and the place in it.
                    reason=f"Imported from {plan.filename or 'a file'}: {item.source}",
                )
            )
    return created
