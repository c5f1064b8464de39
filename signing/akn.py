"""The signatories of a signed final text, for the conclusions of its Akoma Ntoso export (declarations.akn)."""

from __future__ import annotations

from declarations.akn import AknSignature
from declarations.models import DeclarationVersion

from .record import signing_record


def signatures_for(version: DeclarationVersion) -> list[AknSignature]:
    """Every party that signed this version, in signing order; empty when the version is not the one signed."""
    record = signing_record(version.declaration)
    if record is None or record.version.pk != version.pk:
        return []
    return [
        AknSignature(
            party_key=row.party.key,
            party_name=row.party.display_name(version.declaration.source_language),
            person=row.printed_name,
            role=row.printed_title or row.capacity,
            signed_at=row.signed_at,
        )
        for row in record.rows
        if row.status == "signed" and row.signed_at is not None
    ]
