"""Editions of the signed record, read from the audit chain (issue 21, part 1).

Edition 1 is the record as signing closed it: the chain up to the `closed` entry. Each `edition`
entry (adherence.edition_declare) closes the next one: the chain up to that entry, with every
adherence recorded before it. Editions are cuts of one chain, so an edition's PDF never changes
when later adherences arrive, and every edition's last entry is still in the chain of the next.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from declarations.models import Declaration

from .models import SigningEvent

Kind = SigningEvent.Kind
ADHERENCE_KINDS = (Kind.ADHERED, Kind.ADHERENCE_RECORDED)
Event = tuple[int, str, datetime, dict[str, object]]  # seq, kind, at, data of one audit entry


@dataclass(frozen=True)
class Edition:
    number: int
    through_seq: int  # the last audit entry the edition includes
    at: datetime
    adherences: tuple[int, ...]  # the Signature ids of every adherence it lists, oldest first


def _events(declaration: Declaration) -> list[Event]:
    return list(
        SigningEvent.objects.filter(declaration=declaration, kind__in=[Kind.CLOSED, *ADHERENCE_KINDS, Kind.EDITION])
        .order_by("seq")
        .values_list("seq", "kind", "at", "data")
    )


def editions(declaration: Declaration, events: list[Event] | None = None) -> list[Edition]:
    """Every edition of the record, oldest first; none while signing has not closed."""
    out: list[Edition] = []
    adhered: list[int] = []
    for seq, kind, at, data in _events(declaration) if events is None else events:
        if kind == Kind.CLOSED:
            out.append(Edition(1, seq, at, ()))
        elif kind in ADHERENCE_KINDS:
            adhered.append(int(str(data.get("signature"))))
        elif kind == Kind.EDITION:
            out.append(Edition(len(out) + 1, seq, at, tuple(adhered)))
    return out


def latest_edition(declaration: Declaration) -> Edition | None:
    found = editions(declaration)
    return found[-1] if found else None


def unissued_adherences(declaration: Declaration, events: list[Event] | None = None) -> list[int]:
    """Adherences recorded since the latest edition: the batch the next edition would list."""
    pending: list[int] = []
    for _seq, kind, _at, data in _events(declaration) if events is None else events:
        if kind in ADHERENCE_KINDS:
            pending.append(int(str(data.get("signature"))))
        elif kind in (Kind.CLOSED, Kind.EDITION):
            pending = []
    return pending


def board_summary(declaration: Declaration) -> dict[str, int]:
    """For the closed board: editions issued, and adherences waiting for the next one."""
    events = _events(declaration)  # read once for both
    issued = editions(declaration, events)
    return {
        "editions_issued": len(issued),
        "next_edition": len(issued) + 1,
        "unissued_adherences": len(unissued_adherences(declaration, events)),
    }
