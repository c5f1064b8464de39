"""The signing audit trail: append entries to a keyed (HMAC-SHA256) hash chain and verify it.

The key never enters the database (settings.ACCORD_AUDIT_KEY, docs/signing.md): whoever can edit
the tables can still delete or rewrite entries, but cannot compute the hashes that make a rewritten
chain verify. `audit_verify` checks the chain, then rebuilds every signature's state from the events
(`audit_state.py`) and names each difference with the tables.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass, field
from datetime import UTC
from functools import cache
from typing import Any

from django.conf import settings
from django.utils import timezone

from config.auth_types import User
from declarations.models import Declaration, DeclarationVersion

from .models import SigningEvent

GENESIS = "0" * 64


def _derive(secret: str) -> bytes:
    # The configured secret is any string; the HMAC key is a fixed-length derivation of it.
    return hmac.new(secret.encode("utf-8"), b"accord signing audit chain", hashlib.sha256).digest()


def _key_id(key: bytes) -> str:
    """A short public name for a key, stored with each entry so rotation knows which key to use."""
    return hashlib.sha256(b"accord audit key id:" + key).hexdigest()[:16]


@cache
def _keys(current: str, old: tuple[str, ...]) -> tuple[str, dict[str, bytes]]:
    keys = [_derive(secret) for secret in (current, *old)]
    return _key_id(keys[0]), {_key_id(key): key for key in keys}


def audit_keys() -> tuple[str, dict[str, bytes]]:
    """The id of the key new entries use, and every key that verifies entries: {id: key}."""
    # Without a dedicated key, one derived from SECRET_KEY (_derive separates the two uses).
    current = settings.ACCORD_AUDIT_KEY or settings.SECRET_KEY
    return _keys(current, tuple(settings.ACCORD_AUDIT_OLD_KEYS))


def canonical_entry(event: Any, *, prev_hash: str) -> bytes:
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
    if event.key_id:
        fields["key_id"] = event.key_id
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entry_hash(event: Any, *, prev_hash: str, key: bytes | None = None) -> str:
    """HMAC-SHA256 with the key for keyed entries; plain SHA-256 only for entries written before keys."""
    payload = canonical_entry(event, prev_hash=prev_hash)
    if key is None:
        return hashlib.sha256(payload).hexdigest()
    return hmac.new(key, payload, hashlib.sha256).hexdigest()


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
    key_id, keys = audit_keys()
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
        key_id=key_id,
    )
    event.entry_hash = entry_hash(event, prev_hash=event.prev_hash, key=keys[key_id])
    event.save()
    return event


@dataclass(frozen=True)
class AuditCheck:
    ok: bool
    entries: int
    broken_id: int | None = None
    problem: str = ""
    # What the tables say that the trail does not (or the other way round), one line each.
    differences: list[str] = field(default_factory=list)
    head: str = GENESIS


def audit_verify_chain(declaration: Declaration) -> AuditCheck:
    """Recompute the chain from the first entry with the keys; report the first entry that does not hold."""
    _, keys = audit_keys()
    prev = GENESIS
    count = 0
    expected_seq = 1
    for event in SigningEvent.objects.filter(declaration=declaration).order_by("seq").iterator():
        count += 1
        if event.seq != expected_seq:
            return AuditCheck(
                False, count, event.pk, f"sequence number {event.seq}, expected {expected_seq} (entries were removed)"
            )
        if event.prev_hash != prev:
            return AuditCheck(
                False, count, event.pk, f"prev_hash {event.prev_hash} does not match the previous entry's hash {prev}"
            )
        if not event.key_id:
            return AuditCheck(False, count, event.pk, "the entry is not keyed (written or recomputed without the key)")
        key = keys.get(event.key_id)
        if key is None:
            return AuditCheck(
                False,
                count,
                event.pk,
                f"the entry names key {event.key_id}, which is not configured (ACCORD_AUDIT_OLD_KEYS?)",
            )
        computed = entry_hash(event, prev_hash=prev, key=key)
        if not hmac.compare_digest(computed, event.entry_hash):
            return AuditCheck(
                False,
                count,
                event.pk,
                f"content does not match its keyed hash: stored {event.entry_hash}, computed {computed} "
                "(the entry was changed, or its hashes recomputed without the key)",
            )
        prev = event.entry_hash
        expected_seq += 1
    return AuditCheck(True, count, head=prev)


def audit_verify(declaration: Declaration) -> AuditCheck:
    """The chain holds, and every signature, designation and the signing match what the events say."""
    from .audit_state import state_differences

    check = audit_verify_chain(declaration)
    if not check.ok:
        return check
    differences = state_differences(declaration)
    if differences:
        return AuditCheck(
            False,
            check.entries,
            None,
            "the tables do not match the audit trail: " + "; ".join(differences),
            differences,
            check.head,
        )
    return check
