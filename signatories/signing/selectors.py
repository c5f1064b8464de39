"""Reads for signing: the frozen text, the status board, the record the PDF prints, redlines since signing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models.fields.files import FieldFile

from declarations.models import Declaration, DeclarationVersion
from declarations.redline import ClauseDiff, diff_documents

from ..models import Membership, Party
from .models import Signature, Signing, SigningEvent, SigningParty

ORDERS = ("signing", "alpha", "name")


@dataclass
class FrozenClause:
    key: str
    number: int
    text: dict[str, str]


@dataclass
class FrozenSection:
    key: str
    heading: dict[str, str]
    clauses: list[FrozenClause] = field(default_factory=list)


def frozen_text(version: DeclarationVersion) -> list[FrozenSection]:
    """The version's snapshot as numbered sections and clauses, exactly as published."""
    sections: list[FrozenSection] = []
    number = 0
    for s in version.snapshot.get("sections", []):
        section = FrozenSection(key=s["key"], heading=dict(s.get("heading", {})))
        for c in s.get("clauses", []):
            number += 1
            section.clauses.append(FrozenClause(key=c["key"], number=number, text=dict(c.get("text", {}))))
        sections.append(section)
    return sections


@dataclass
class PartyRow:
    """One party on the board and in the printed record."""

    signing_party: SigningParty
    current: Signature | None  # the live answer (signed or declined), if any
    history: list[Signature]  # revoked and superseded answers, oldest first

    @property
    def party(self) -> Party:
        return self.signing_party.party

    @property
    def state(self) -> str:
        if self.current is not None:
            return self.current.status
        if self.superseded:
            return "superseded"
        return "pending"

    @property
    def printed(self) -> SigningParty | Signature | None:
        """Where the printed name comes from: the designation, else the latest answer (e.g. on paper)."""
        if self.signing_party.printed_name:
            return self.signing_party
        answers = [*self.history, *([self.current] if self.current else [])]
        return max(answers, key=lambda s: s.signed_at) if answers else None

    @property
    def superseded(self) -> list[Signature]:
        """Signatures (not declines) on text that is no longer the one being signed."""
        return [
            s for s in self.history if s.status == Signature.Status.SUPERSEDED and s.method != Signature.Method.DECLINED
        ]


@dataclass
class Board:
    signing: Signing
    rows: list[PartyRow]
    counts: dict[str, int]
    # {(version number, content hash): [signatures]}: answers are only grouped with others on the same text.
    groups: list[tuple[DeclarationVersion, list[Signature]]]


def _rows(signing: Signing) -> list[PartyRow]:
    parties = list(SigningParty.objects.filter(signing=signing).select_related("party", "signatory"))
    by_party: dict[int, list[Signature]] = {}
    # The board shows version numbers and hashes; each snapshot is the whole text (~1 MB at UN scale), and
    # joined into 193 signatures it took seconds.
    # With the party: the board's "signatures on this text" list names each signing party (was N+1).
    signatures = Signature.objects.filter(signing=signing).select_related("version", "party").defer("version__snapshot")
    for signature in signatures.order_by("signed_at", "id"):
        by_party.setdefault(signature.party_id, []).append(signature)
    rows = []
    for sp in parties:
        answers = by_party.get(sp.party_id, [])
        current = next((s for s in answers if s.status in Signature.LIVE), None)
        rows.append(PartyRow(sp, current, [s for s in answers if s is not current]))
    return rows


def sort_rows(rows: list[PartyRow], *, order: str, language: str) -> list[PartyRow]:
    if order == "alpha":
        return sorted(rows, key=lambda r: r.party.short_name.casefold())
    if order == "name":
        # Code point order puts Hangul syllables in dictionary order, which is all Korean collation needs here.
        return sorted(rows, key=lambda r: r.party.display_name(language).casefold())
    return sorted(rows, key=lambda r: (r.signing_party.position, r.signing_party.pk))


def signing_board(signing: Signing, *, order: str = "signing", language: str = "en") -> Board:
    rows = sort_rows(_rows(signing), order=order, language=language)
    counts = {
        "total": len(rows),
        "pending": sum(1 for r in rows if r.current is None),
        "signed": sum(1 for r in rows if r.current and r.current.status == Signature.Status.SIGNED),
        "declined": sum(1 for r in rows if r.current and r.current.status == Signature.Status.DECLINED),
        "superseded": sum(len(r.superseded) for r in rows),
    }
    groups: dict[tuple[int, str], tuple[DeclarationVersion, list[Signature]]] = {}
    for row in rows:
        for signature in [*row.history, *([row.current] if row.current else [])]:
            if signature.status == Signature.Status.DECLINED or signature.method == Signature.Method.DECLINED:
                continue
            key = (signature.version.number, signature.content_hash)
            groups.setdefault(key, (signature.version, []))[1].append(signature)
    ordered = [groups[k] for k in sorted(groups, reverse=True)]
    return Board(signing=signing, rows=rows, counts=counts, groups=ordered)


def can_read_reason(signature: Signature, *, secretariat: bool, party_ids: set[int]) -> bool:
    return signature.reason_public or secretariat or signature.party_id in party_ids


@dataclass
class RecordRow:
    """What the signature page of the PDF prints for one party."""

    party: Party
    position: int
    status: str  # pending, signed, declined, superseded
    printed_name: str
    printed_title: str
    capacity: str
    method: str
    method_label: str
    signed_at: datetime | None  # UTC
    image: FieldFile | None
    decline_reason: str  # only when the party made it public
    superseded: list[Signature]


@dataclass
class SigningRecord:
    signing: Signing
    version: DeclarationVersion
    undertaking: dict[str, str]
    rows: list[RecordRow]
    events: list[SigningEvent]


def signing_record(declaration: Declaration) -> SigningRecord | None:
    """The current signing, its version and one row per party in signing order, plus the audit trail."""
    signing = Signing.objects.filter(declaration=declaration).select_related("version", "declaration").first()
    if signing is None:
        return None
    rows = []
    for row in sort_rows(_rows(signing), order="signing", language=declaration.source_language):
        sp, sig = row.signing_party, row.current
        rows.append(
            RecordRow(
                party=sp.party,
                position=sp.position,
                status=row.state,
                printed_name=sig.printed_name if sig else sp.printed_name,
                printed_title=sig.printed_title if sig else sp.printed_title,
                capacity=sig.capacity if sig else sp.capacity,
                method=sig.method if sig else "",
                method_label=str(sig.get_method_display()) if sig else "",
                signed_at=sig.signed_at if sig else None,
                image=sig.image if sig and sig.image else None,
                decline_reason=sig.decline_reason if sig and sig.reason_public else "",
                superseded=row.superseded,
            )
        )
    return SigningRecord(
        signing=signing,
        version=signing.version,
        undertaking=dict(signing.undertaking),
        rows=rows,
        events=audit_events(declaration),
    )


def audit_events(declaration: Declaration) -> list[SigningEvent]:
    return list(SigningEvent.objects.filter(declaration=declaration).order_by("seq"))


def latest_superseded(signing: Signing, party: Party) -> Signature | None:
    """The party's most recent signature on text other than the current version, if it must sign again."""
    return (
        Signature.objects.filter(signing=signing, party=party, status=Signature.Status.SUPERSEDED)
        .exclude(content_hash=signing.version.content_hash)
        .exclude(method=Signature.Method.DECLINED)
        .select_related("version")
        .order_by("-signed_at", "-id")
        .first()
    )


def changes_since(old: DeclarationVersion, new: DeclarationVersion, language: str) -> list[ClauseDiff]:
    """Only the clauses that differ between the text someone signed and the text now being signed."""
    diff = diff_documents(old.snapshot, new.snapshot, language)  # type: ignore[arg-type]
    return [c for c in diff.clauses() if c.status != "unchanged"]


def comment_outcomes(declaration: Declaration, party: Party) -> list[Any] | None:
    """The party's comments and how each was treated, from consultations when that app provides it."""
    try:
        from consultations.selectors import party_comment_outcomes
    except ImportError:
        return None
    return list(party_comment_outcomes(declaration=declaration, party=party))


def roles_in(user: Any, party: Party) -> set[str]:
    if not user.is_authenticated:
        return set()
    return set(Membership.objects.filter(user=user, party=party).values_list("role", flat=True))
