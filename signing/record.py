"""The record the PDF prints: one row per party in signing order, the signing's version and its audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models.fields.files import FieldFile

from declarations.models import Declaration, DeclarationVersion
from signatories.models import Party

from .models import Signature, Signing, SigningEvent
from .selectors import _rows, sort_rows


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
    added_for_adherence: bool = False  # not asked at the signing: only ever listed as an adherent
    adherence: Signature | None = None


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
                added_for_adherence=sp.added_for_adherence,
                adherence=row.adherence,
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
