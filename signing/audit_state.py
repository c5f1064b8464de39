"""Rebuild a signing's state from its audit events and compare it with the tables, naming each difference.

Every change of a signature, a designation or the signing itself goes through a service that appends
an event in the same transaction (services.py), so the events alone say what the tables must hold.
An UPDATE or DELETE that bypasses the services (a decline turned into a signature, a printed name or
content hash changed, a signature moved to another party or deleted, events removed from the end)
leaves the two apart. Entries written before an event carried a field are not compared on that field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from declarations.models import Declaration

from .models import Signature, Signing, SigningEvent, SigningParty

Kind = SigningEvent.Kind


def _utc(moment: datetime | str | None) -> str | None:
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.astimezone(UTC).isoformat(timespec="microseconds") if moment else None


@dataclass
class _Expected:
    """What the events say one row must hold: {field: value}, and where it came from."""

    label: str
    values: dict[str, Any] = field(default_factory=dict)


def _signature_from(event: SigningEvent, status: str) -> _Expected:
    data = event.data
    values: dict[str, Any] = {
        "party": event.party_key,
        "version": event.version_number,
        "content_hash": event.content_hash,
        "status": status,
    }
    if event.kind == Kind.DECLINED:
        values |= {
            "method": Signature.Method.DECLINED.value,
            "decline_reason": data.get("reason"),
            "signer": event.actor_id,
        }
        values["reason_public"] = data.get("reason_public")
    elif event.kind in (Kind.SIGNED, Kind.ADHERED):
        values |= {"method": data.get("method"), "signer": event.actor_id}
    elif event.kind == Kind.REFUSAL_RECORDED:
        absent = status == Signature.Status.ABSENT
        values |= {
            "method": (Signature.Method.ABSENT if absent else Signature.Method.DECLINED).value,
            "recorded_by": event.actor_id,
            "signer": None,
            "decline_reason": data.get("reason"),
            "reason_public": data.get("reason_public"),
        }
    else:
        values |= {"method": data.get("method"), "recorded_by": event.actor_id, "scan_sha256": data.get("scan_sha256")}
        values["signed_at"] = _utc(data.get("signed_at"))
    for name in ("printed_name", "printed_title", "capacity"):
        if name in data:
            values[name] = data[name]
    if "signed_at" in data and event.kind not in (Kind.RECORDED_OFFLINE, Kind.ADHERENCE_RECORDED):
        values["signed_at"] = _utc(data["signed_at"])
    return _Expected(f"signature {data.get('signature')} ({event.party_key})", values)


def _replay(events: list[SigningEvent]) -> tuple[dict[str, Any], dict[int, _Expected], dict[str, dict[str, Any]]]:
    signing: dict[str, Any] = {}
    signatures: dict[int, _Expected] = {}
    designations: dict[str, dict[str, Any]] = {}
    for event in events:
        if event.kind in _ADHERENCE:
            _replay_adherence(event, signing, signatures)
            continue
        data = event.data
        if event.kind == Kind.OPENED:
            signing = {
                "status": Signing.Status.OPEN.value,
                "version": event.version_number,
                "parties": data.get("parties"),
            }
            signing["content_hash"] = event.content_hash
        elif event.kind == Kind.REOPENED:
            signing |= {"version": event.version_number, "content_hash": event.content_hash}
        elif event.kind == Kind.CLOSED:
            signing["status"] = Signing.Status.CLOSED.value
        elif event.kind == Kind.DESIGNATED:
            designations[event.party_key] = {
                "signatory": data.get("signatory"),
                "printed_name": data.get("printed_name"),
                "printed_title": data.get("printed_title"),
                "capacity": data.get("capacity"),
            }
        elif event.kind == Kind.REFUSAL_RECORDED:
            signatures[data.get("signature")] = _signature_from(event, str(data.get("outcome")))
        elif event.kind in (Kind.SIGNED, Kind.DECLINED, Kind.RECORDED_OFFLINE):
            status = (Signature.Status.DECLINED if event.kind == Kind.DECLINED else Signature.Status.SIGNED).value
            signatures[data.get("signature")] = _signature_from(event, status)
        elif event.kind in (Kind.REVOKED, Kind.SUPERSEDED):
            expected = signatures.get(data.get("signature"))
            if expected is not None:
                revoked = event.kind == Kind.REVOKED
                expected.values["status"] = (Signature.Status.REVOKED if revoked else Signature.Status.SUPERSEDED).value
    return signing, signatures, designations


_ADHERENCE = (Kind.ADHERENCE_INVITED, Kind.ADHERED, Kind.ADHERENCE_RECORDED)


def _replay_adherence(event: SigningEvent, signing: dict[str, Any], signatures: dict[int, _Expected]) -> None:
    """Adherence after close: an invitation (which may add a party to the signing) or an adherence."""
    if event.kind == Kind.ADHERENCE_INVITED:
        signing.setdefault("invited", []).append(event.party_key)
        if event.data.get("added"):
            signing["parties"] = [*(signing.get("parties") or []), event.party_key]
        return
    signatures[event.data.get("signature")] = _signature_from(event, Signature.Status.ADHERED.value)


def _signature_values(row: Signature) -> dict[str, Any]:
    return {
        "party": row.party.key,
        "version": row.version.number,
        "content_hash": row.content_hash,
        "status": row.status,
        "method": row.method,
        "signer": row.signer_id,
        "recorded_by": row.recorded_by_id,
        "printed_name": row.printed_name,
        "printed_title": row.printed_title,
        "capacity": row.capacity,
        "signed_at": _utc(row.signed_at),
        "decline_reason": row.decline_reason,
        "reason_public": row.reason_public,
        "scan_sha256": row.scan_sha256,
    }


def _compare(label: str, table: dict[str, Any], trail: dict[str, Any]) -> list[str]:
    return [
        f"{label}: {name} is {table[name]!r} in the table but {expected!r} in the audit trail"
        for name, expected in trail.items()
        if expected is not None and name in table and table[name] != expected
    ]


def state_differences(declaration: Declaration) -> list[str]:
    """Every way the signing, its designations and its signatures differ from what the events say."""
    events = list(SigningEvent.objects.filter(declaration=declaration).order_by("seq"))
    expected_signing, expected_signatures, expected_designations = _replay(events)
    signing = Signing.objects.filter(declaration=declaration).select_related("version").first()
    differences: list[str] = []
    if signing is None:
        return ["the audit trail records a signing that is missing from the table"] if expected_signing else []
    if not expected_signing:
        return ["the signing is in the table but its opening is not in the audit trail"]
    table_signing = {
        "status": signing.status,
        "version": signing.version.number,
        "content_hash": signing.version.content_hash,
    }
    parties = SigningParty.objects.filter(signing=signing).select_related("party", "signatory")
    table_signing["parties"] = sorted(sp.party.key for sp in parties)
    table_signing["invited"] = sorted(sp.party.key for sp in parties if sp.adherence_invited_at is not None)
    trail_signing = {
        **expected_signing,
        "parties": sorted(expected_signing.get("parties") or []),
        "invited": sorted(expected_signing.get("invited") or []),
    }
    differences += _compare("the signing", table_signing, trail_signing)
    for sp in parties:
        table = {
            "signatory": sp.signatory.get_username() if sp.signatory else None,
            "printed_name": sp.printed_name,
            "printed_title": sp.printed_title,
            "capacity": sp.capacity,
        }
        trail = expected_designations.get(sp.party.key)
        if trail is None:
            if sp.signatory_id is not None or sp.printed_name:
                differences.append(f"the designation of {sp.party.key} is in the table but not in the audit trail")
            continue
        differences += _compare(f"the designation of {sp.party.key}", table, trail)
    rows = {row.pk: row for row in Signature.objects.filter(signing=signing).select_related("party", "version")}
    for pk, row in rows.items():
        expected = expected_signatures.get(pk)
        if expected is None:
            differences.append(
                f"signature {pk} ({row.party.key}, {row.status}) is in the table but not in the audit trail"
            )
            continue
        differences += _compare(expected.label, _signature_values(row), expected.values)
    for pk, expected in expected_signatures.items():
        if pk not in rows:
            differences.append(
                f"{expected.label}, {expected.values['status']} in the audit trail, is missing from the table"
            )
    return differences
