"""The signing audit trail: append entries to a SHA-256 hash chain and verify the chain."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.utils import timezone

from config.auth_types import User
from declarations.models import Declaration, DeclarationVersion

from .models import SigningEvent

GENESIS = "0" * 64


def canonical_entry(event: SigningEvent, *, prev_hash: str) -> bytes:
    """The bytes an entry's hash covers: its fields and the previous hash, as canonical JSON."""
    fields = {
        "declaration": event.declaration_id,
        "seq": event.seq,
        "kind": event.kind,
        "at": event.at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": event.actor_id,
        "actor_name": event.actor_name,
        "party": event.party_key,
        "version": event.version_number,
        "content_hash": event.content_hash,
        "data": event.data,
        "prev_hash": prev_hash,
    }
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entry_hash(event: SigningEvent, *, prev_hash: str) -> str:
    return hashlib.sha256(canonical_entry(event, prev_hash=prev_hash)).hexdigest()


def audit_append(
    *,
    declaration: Declaration,
    kind: str,
    by: User | None,
    party_key: str = "",
    version: DeclarationVersion | None = None,
    data: dict[str, Any] | None = None,
) -> SigningEvent:
    """Append one event; call inside the transaction of the change it records."""
    # Appends for one declaration queue on its row, so two entries never claim the same link.
    Declaration.objects.select_for_update().filter(pk=declaration.pk).first()
    last = SigningEvent.objects.filter(declaration=declaration).order_by("-seq").first()
    event = SigningEvent(
        declaration=declaration,
        seq=(last.seq + 1) if last else 1,
        kind=kind,
        # Microseconds are what both SQLite and PostgreSQL keep; the hash must survive the round trip.
        at=timezone.now().astimezone(UTC),
        actor=by if by is not None and by.pk else None,
        actor_name=by.get_username() if by is not None and by.pk else "",
        party_key=party_key,
        version_number=version.number if version else None,
        content_hash=version.content_hash if version else "",
        # Through JSON once, so what is hashed is exactly what the database gives back.
        data=json.loads(json.dumps(data or {}, ensure_ascii=False, default=str)),
        prev_hash=last.entry_hash if last else GENESIS,
    )
    event.entry_hash = entry_hash(event, prev_hash=event.prev_hash)
    event.save()
    return event


@dataclass(frozen=True)
class AuditCheck:
    ok: bool
    entries: int
    broken_id: int | None = None
    problem: str = ""


def audit_verify(declaration: Declaration) -> AuditCheck:
    """Recompute the chain from the first entry; report the first entry that does not hold."""
    prev = GENESIS
    count = 0
    expected_seq = 1
    for event in SigningEvent.objects.filter(declaration=declaration).order_by("seq").iterator():
        count += 1
        if event.seq != expected_seq:
            return AuditCheck(False, count, event.pk, f"sequence number {event.seq}, expected {expected_seq}")
        if event.prev_hash != prev:
            return AuditCheck(
                False, count, event.pk, f"prev_hash {event.prev_hash} does not match the previous entry's hash {prev}"
            )
        computed = entry_hash(event, prev_hash=prev)
        if computed != event.entry_hash:
            return AuditCheck(
                False,
                count,
                event.pk,
                f"content does not match its hash: stored {event.entry_hash}, computed {computed}",
            )
        prev = event.entry_hash
        expected_seq += 1
    return AuditCheck(True, count)
