"""Reads for PDFs: what a document prints (from the frozen snapshot and the signing record),
which PDFs may be requested, issued documents, and verification of an uploaded file."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.urls import reverse

from consultations.models import CommentRound
from declarations.models import Declaration, DeclarationParty, DeclarationVersion
from declarations.snapshot import Snapshot
from signatories.models import Party
from signing.editions import Edition, editions, latest_edition
from signing.models import Signature, Signing
from signing.record import signing_record
from signing.stale import StaleText, stale_confirmation

from .compose import print_image
from .content import (
    AdherenceEntry,
    DeclineEntry,
    DocumentData,
    EventEntry,
    PartyEntry,
    RoundEntry,
    SignatureEntry,
    StaleEntry,
)
from .models import ExportJob, IssuedDocument, Kind, Layout
from .verification import VerificationResult, verify_pdf_bytes

SHA256_RE = re.compile(r"^[0-9a-f]{64}$")


class NotAvailable(Exception):
    """The PDF asked for cannot be made (e.g. no closed signing yet); the message is for the user."""


def verify_url() -> str:
    return f"{settings.SITE_URL}{reverse('documents:verify')}"


def _party(party: Party) -> PartyEntry:
    return PartyEntry(key=party.key, name=dict(party.name), short_name=party.short_name)


def _rounds(declaration: Declaration) -> list[RoundEntry]:
    rounds = (
        CommentRound.objects.filter(declaration=declaration)
        .select_related("version")
        .defer("version__snapshot")
        .order_by("number")
    )
    return [
        RoundEntry(number=r.number, version_number=r.version.number, opened_at=r.opened_at, closed_at=r.closes_at())
        for r in rounds
    ]


def submission_signing(declaration: Declaration) -> Signing | None:
    """The closed signing the submission PDF prints, or None while signing is not finished."""
    signing = Signing.objects.filter(declaration=declaration).select_related("version").first()
    if signing is None or signing.status != Signing.Status.CLOSED:
        return None
    return signing


def document_data(
    *, version: DeclarationVersion, kind: str, languages: list[str], layout: str, edition: int | None = None
) -> DocumentData:
    """Everything the PDF prints, read once; the text comes from the version's frozen snapshot.

    `edition` (submission PDFs): which edition of the record, the latest when None.
    """
    declaration = version.declaration
    base: dict[str, Any] = {
        "kind": kind,
        "slug": declaration.slug,
        "snapshot": version.snapshot,
        "version_number": version.number,
        "version_label": version.label,
        "published_at": version.published_at,
        "content_hash": version.content_hash,
        "is_final": version.is_final,
        "languages": list(languages),
        "layout": layout,
        "verify_url": verify_url(),
        "rounds": _rounds(declaration),
    }
    if kind == Kind.DRAFT:
        participants = (
            DeclarationParty.objects.filter(declaration=declaration, role=DeclarationParty.Role.PARTICIPANT)
            .select_related("party")
            .order_by("party__short_name")
        )
        return DocumentData(**base, parties=[_party(p.party) for p in participants])
    return _submission_data(declaration, version, base, edition)


def _edition(declaration: Declaration, number: int | None) -> Edition:
    issued = editions(declaration)
    if not issued:
        raise NotAvailable("The submission PDF exists once signing is closed.")
    if number is None:
        return issued[-1]
    if not 1 <= number <= len(issued):
        raise NotAvailable(f"There is no edition {number} of the record.")
    return issued[number - 1]


def _adherences(edition: Edition, parties: dict[int, PartyEntry]) -> list[AdherenceEntry]:
    rows = Signature.objects.filter(pk__in=edition.adherences, status=Signature.Status.ADHERED).select_related("party")
    return [
        AdherenceEntry(
            party=parties.get(row.party_id) or _party(row.party),
            printed_name=row.printed_name,
            printed_title=row.printed_title,
            capacity=row.capacity,
            method=row.method,
            adhered_at=row.signed_at,
            image_name=row.image.name or "",
        )
        for row in sorted(rows, key=lambda r: (r.signed_at, r.pk))
    ]


def _submission_data(
    declaration: Declaration, version: DeclarationVersion, base: dict[str, Any], number: int | None = None
) -> DocumentData:
    signing = submission_signing(declaration)
    record = signing_record(declaration)
    if signing is None or record is None:
        raise NotAvailable("The submission PDF exists once signing is closed.")
    if record.version.pk != version.pk:
        raise NotAvailable("The submission PDF prints the version that was signed.")
    edition = _edition(declaration, number)
    # Belt and braces: only answers given on exactly this text count, whatever a row says.
    on_this_text = {
        (s.party_id, s.status)
        for s in Signature.objects.filter(signing=signing, content_hash=version.content_hash, status__in=Signature.LIVE)
    }
    signatures: list[SignatureEntry] = []
    declines: list[DeclineEntry] = []
    not_signed: list[PartyEntry] = []
    absent: list[PartyEntry] = []
    for row in record.rows:
        if row.added_for_adherence:
            continue  # not asked at the signing: only ever an adherent
        party = _party(row.party)
        if row.status == Signature.Status.SIGNED and (row.party.pk, "signed") in on_this_text and row.signed_at:
            signatures.append(
                SignatureEntry(
                    party=party,
                    printed_name=row.printed_name,
                    printed_title=row.printed_title,
                    capacity=row.capacity,
                    method=row.method,
                    signed_at=row.signed_at,
                    image_name=(row.image.name or "") if row.image else "",
                )
            )
        elif row.status == Signature.Status.DECLINED and (row.party.pk, "declined") in on_this_text and row.signed_at:
            declines.append(DeclineEntry(party=party, declined_at=row.signed_at, reason=row.decline_reason))
        elif row.status == Signature.Status.ABSENT and (row.party.pk, "absent") in on_this_text:
            absent.append(party)  # recorded by the secretariat: neither a signatory nor "did not answer"
        else:
            not_signed.append(party)
    adherences = _adherences(edition, {row.party.pk: _party(row.party) for row in record.rows})
    everyone = [*(s.party for s in signatures), *(d.party for d in declines), *absent, *not_signed]
    parties = {p.key: p for p in [*everyone, *(a.party for a in adherences)]}
    events = [
        EventEntry(
            seq=e.seq,
            kind=e.kind,
            at=e.at,
            actor_name=e.actor_name,
            party=parties.get(e.party_key) or (PartyEntry(e.party_key, {}, e.party_key) if e.party_key else None),
            version_number=e.version_number,
            content_hash=e.content_hash,
            method=str(e.data.get("method", "")) if isinstance(e.data, dict) else "",
            prev_hash=e.prev_hash,
            entry_hash=e.entry_hash,
        )
        for e in record.events
        # An edition prints the chain up to its own last entry: later adherences belong to later editions.
        if e.seq <= edition.through_seq
    ]
    return DocumentData(
        **base,
        parties=[s.party for s in signatures],
        signatures=signatures,
        declines=declines,
        not_signed=not_signed,
        absent=absent,
        undertaking=dict(record.undertaking),
        events=events,
        signing_opened_at=signing.opened_at,
        signing_closed_at=signing.closed_at,
        edition=edition.number,
        adherences=adherences,
        edition_at=edition.at if edition.number > 1 else None,
        stale_translations=_stale_entry(signing),
    )


def _stale_entry(signing: Signing) -> StaleEntry | None:
    confirmation = stale_confirmation(signing)
    if confirmation is None:
        return None
    texts = [StaleText.from_dict(item) for item in confirmation.texts]
    by = confirmation.confirmed_by
    return StaleEntry(
        texts=[(t.clause, t.number, t.language) for t in texts],
        reason=confirmation.reason,
        confirmed_by=by.get_full_name() or by.get_username(),
        confirmed_at=confirmation.confirmed_at,
    )


def signature_images(data: DocumentData) -> dict[str, str]:
    """The signature images the document prints, scaled for print, as data: URLs."""
    images: dict[str, str] = {}
    signed: list[SignatureEntry | AdherenceEntry] = [*data.signatures, *data.adherences]
    for signature in signed:
        if signature.image_name and signature.image_name not in images:
            with default_storage.open(signature.image_name, "rb") as handle:
                images[signature.image_name] = print_image(handle.read())
    return images


# --- What may be requested -----------------------------------------------------------------


def default_languages(declaration: Declaration, version: DeclarationVersion) -> list[str]:
    return list(Snapshot.from_version(version).languages or declaration.languages)[:2]


def default_layout(languages: list[str]) -> str:
    return Layout.SIDE_BY_SIDE if len(languages) == 2 else (Layout.SINGLE if len(languages) == 1 else Layout.SEQUENTIAL)


def latest_submission(declaration: Declaration) -> IssuedDocument | None:
    """The newest rendering of the latest edition issued so far."""
    return (
        IssuedDocument.objects.filter(declaration=declaration, kind=Kind.SUBMISSION)
        .select_related("version")
        .order_by("-edition", "-created_at", "-id")
        .first()
    )


def issued_documents(declaration: Declaration) -> list[IssuedDocument]:
    return list(IssuedDocument.objects.filter(declaration=declaration).select_related("version", "created_by"))


def recent_jobs(declaration: Declaration, user: Any) -> list[ExportJob]:
    return list(
        ExportJob.objects.filter(declaration=declaration, requested_by=user)
        .select_related("version", "document")
        .order_by("-created_at")[:5]
    )


# --- Verification -----------------------------------------------------------------------------


@dataclass
class Verification:
    """Outcome of checking an uploaded PDF or a pasted hash."""

    sha256: str
    authentic: bool
    document: IssuedDocument | None = None
    seal: VerificationResult | None = None  # None for a pasted hash
    problems: list[str] = field(default_factory=list)
    # Submission PDFs: the latest edition of the record (0 otherwise); a newer one than the file's may exist.
    latest_edition: int = 0

    @property
    def edition(self) -> int:
        return self.document.edition if self.document else 0

    @property
    def newer_edition(self) -> bool:
        return bool(self.document and self.document.kind == Kind.SUBMISSION and self.latest_edition > self.edition)

    @property
    def summary(self) -> dict[str, Any]:
        return self.document.summary if self.document else {}


def _issued(sha256: str) -> IssuedDocument | None:
    return IssuedDocument.objects.filter(sha256=sha256).select_related("version", "declaration").first()


def _latest_edition(document: IssuedDocument | None) -> int:
    """The latest edition of a submission PDF's record, issued or only declared (0 for version PDFs)."""
    if document is None or document.kind != Kind.SUBMISSION:
        return 0
    latest = latest_edition(document.declaration)
    return max(latest.number if latest else 1, document.edition)


def verify_upload(data: bytes) -> Verification:
    """Authentic = the Accord seal is valid AND these exact bytes were issued by Accord."""
    seal = verify_pdf_bytes(data)
    document = _issued(seal.sha256)
    problems = list(seal.problems)
    if document is None:
        problems.append("no document with this SHA-256 was issued by Accord")
    return Verification(
        sha256=seal.sha256,
        authentic=bool(seal.valid and document),
        document=document,
        seal=seal,
        problems=problems,
        latest_edition=_latest_edition(document),
    )


def verify_hash(sha256: str) -> Verification:
    """A pasted SHA-256 is authentic when Accord issued a document with exactly that hash."""
    sha256 = sha256.strip().lower()
    document = _issued(sha256) if SHA256_RE.match(sha256) else None
    problems = [] if document else ["no document with this SHA-256 was issued by Accord"]
    return Verification(
        sha256=sha256,
        authentic=document is not None,
        document=document,
        problems=problems,
        latest_edition=_latest_edition(document),
    )
