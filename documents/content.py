"""What a PDF prints, as plain data: built from the database once, rendered without it.

`DocumentData` holds every input of a rendering. Its `render_key()` is the cache key of
issued PDFs (same data ⇒ same document, no second rendering); `signature_events_json()`
and `declaration_json()` are the files embedded in the PDF/A-3.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, Final

from declarations.interchange import SnapshotData, dumps

# Bump when the PDF template or stylesheet changes what a document looks like, so cached
# documents rendered by the old layout are not handed out for new requests.
LAYOUT_REVISION: Final = "2026-3"  # tagged PDF/A-3a (issue 23)
SIGNATURE_EVENTS_FORMAT: Final = "accord-signature-events/1"


def _utc(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class PartyEntry:
    key: str
    name: dict[str, str]
    short_name: str


@dataclass(frozen=True)
class SignatureEntry:
    """A signature on the text being printed (never one on a superseded hash)."""

    party: PartyEntry
    printed_name: str
    printed_title: str
    capacity: str
    method: str  # drawn, uploaded, paper, in_person
    signed_at: datetime
    # Storage name of the signature image ("" for paper and in person). Names are random
    # and files never change, so the name identifies the image for the cache key.
    image_name: str = ""


@dataclass(frozen=True)
class AdherenceEntry:
    """A party that adhered to the signed text after signing closed (issue 21): never a signatory."""

    party: PartyEntry
    printed_name: str
    printed_title: str
    capacity: str
    method: str  # drawn, uploaded, paper, in_person
    adhered_at: datetime  # midnight UTC of the day for an adherence recorded offline
    image_name: str = ""


@dataclass(frozen=True)
class DeclineEntry:
    party: PartyEntry
    declined_at: datetime
    reason: str  # only when the party made it public


@dataclass(frozen=True)
class EventEntry:
    seq: int
    kind: str
    at: datetime
    actor_name: str
    party: PartyEntry | None
    version_number: int | None
    content_hash: str
    method: str
    prev_hash: str
    entry_hash: str


@dataclass(frozen=True)
class RoundEntry:
    number: int
    version_number: int
    opened_at: datetime
    closed_at: datetime


@dataclass(frozen=True)
class DocumentData:
    kind: str  # draft | submission
    slug: str
    snapshot: SnapshotData
    version_number: int
    version_label: str
    published_at: datetime
    content_hash: str
    is_final: bool
    languages: list[str]  # the languages printed, in order
    layout: str
    verify_url: str
    parties: list[PartyEntry] = field(default_factory=list)
    signatures: list[SignatureEntry] = field(default_factory=list)
    declines: list[DeclineEntry] = field(default_factory=list)
    not_signed: list[PartyEntry] = field(default_factory=list)
    absent: list[PartyEntry] = field(default_factory=list)  # recorded as "did not take part" (issue 21)
    undertaking: dict[str, str] = field(default_factory=dict)
    events: list[EventEntry] = field(default_factory=list)
    rounds: list[RoundEntry] = field(default_factory=list)
    signing_opened_at: datetime | None = None
    signing_closed_at: datetime | None = None
    # Submission PDFs: edition 1 is the record at close; edition N adds the adherences up to its cut.
    edition: int = 1
    adherences: list[AdherenceEntry] = field(default_factory=list)
    edition_at: datetime | None = None  # when edition N (N > 1) was issued

    @property
    def title(self) -> dict[str, str]:
        return dict(self.snapshot.get("title", {}))

    @property
    def watermarked(self) -> bool:
        # The final text (the one put to signature) is not a draft, even as a version PDF.
        return self.kind == "draft" and not self.is_final

    @property
    def issued_on(self) -> datetime:
        """The date on the title page: signing closed for the submission, publication otherwise."""
        return self.signing_closed_at or self.published_at

    def _key_material(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("snapshot")  # covered by content_hash; provenance labels are not printed
        if self.edition == 1:
            # Keys of documents issued before editions existed stay what they were.
            for name in ("edition", "adherences", "edition_at"):
                data.pop(name)
        data["layout_revision"] = LAYOUT_REVISION
        return data

    def render_key(self) -> str:
        """SHA-256 of every input of the rendering: equal keys print the same document."""
        raw = json.dumps(self._key_material(), sort_keys=True, default=_json_default, ensure_ascii=False)
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()

    def signature_digest(self) -> str:
        """SHA-256 of the signatures and declines printed (the same for every layout)."""
        payload = {"content_hash": self.content_hash, **self._signature_payload()}
        raw = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()

    def _signature_payload(self) -> dict[str, Any]:
        # "absent" and "adherences" only when there is one: PDFs sealed before them keep their payload and hash.
        absent: dict[str, Any] = {"absent": [p.key for p in self.absent]} if self.absent else {}
        if self.adherences:
            absent["adherences"] = [
                {
                    "party": a.party.key,
                    "printed_name": a.printed_name,
                    "printed_title": a.printed_title,
                    "capacity": a.capacity,
                    "method": a.method,
                    "adhered_at": _utc(a.adhered_at),
                }
                for a in self.adherences
            ]
        return absent | {
            "signatures": [
                {
                    "party": s.party.key,
                    "printed_name": s.printed_name,
                    "printed_title": s.printed_title,
                    "capacity": s.capacity,
                    "method": s.method,
                    "signed_at": _utc(s.signed_at),
                }
                for s in self.signatures
            ],
            "declines": [
                {"party": d.party.key, "declined_at": _utc(d.declined_at), "reason": d.reason} for d in self.declines
            ],
        }

    def declaration_json(self) -> bytes:
        """The version's frozen text in Accord's interchange format (docs/interchange.md)."""
        return dumps(self.snapshot).encode("utf-8")

    def signature_events_json(self) -> bytes:
        """Signatures printed and the signing audit trail, without IP addresses or user agents."""
        payload = {
            "format": SIGNATURE_EVENTS_FORMAT,
            "declaration": self.slug,
            "version": self.version_number,
            "content_hash": self.content_hash,
            **({"edition": self.edition} if self.edition > 1 else {}),
            **self._signature_payload(),
            "events": [
                {
                    "seq": e.seq,
                    "kind": e.kind,
                    "at": _utc(e.at),
                    "actor": e.actor_name,
                    "party": e.party.key if e.party else "",
                    "version": e.version_number,
                    "content_hash": e.content_hash,
                    "method": e.method,
                    "prev_hash": e.prev_hash,
                    "entry_hash": e.entry_hash,
                }
                for e in self.events
            ],
            # The anchor of the audit chain (issue 18): `verify_audit SLUG --against FILE.pdf` checks
            # that the database still holds these entries, so removing the latest ones is detected.
            "audit_head": {
                "length": len(self.events),
                "entry_hash": self.events[-1].entry_hash if self.events else "",
            },
        }
        return json.dumps(payload, indent=2, ensure_ascii=False).encode("utf-8")

    def summary(self) -> dict[str, Any]:
        """What /verify/ shows: only what the holder of the PDF can read in it."""
        return {
            "title": self.title,
            "languages": self.languages,
            "version_number": self.version_number,
            "version_label": self.version_label,
            "content_hash": self.content_hash,
            "signatories": [
                {
                    "party": s.party.name or {"en": s.party.short_name},
                    "printed_name": s.printed_name,
                    "printed_title": s.printed_title,
                    "method": s.method,
                    "signed_at": _utc(s.signed_at),
                }
                for s in self.signatures
            ],
            "declined": [d.party.name or {"en": d.party.short_name} for d in self.declines],
            "edition": self.edition,
            "adherents": [
                {
                    "party": a.party.name or {"en": a.party.short_name},
                    "printed_name": a.printed_name,
                    "printed_title": a.printed_title,
                    "method": a.method,
                    "adhered_on": f"{a.adhered_at.astimezone(UTC):%Y-%m-%d}",
                }
                for a in self.adherences
            ],
        }


def _json_default(value: object) -> str:
    if isinstance(value, datetime):
        return _utc(value) or ""
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")
