"""Builders for PDF tests: the manifesto signed through the signing services, submission data, pdftotext."""

from __future__ import annotations

import io
import subprocess
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.test import TestCase
from django.utils import timezone
from PIL import Image, ImageDraw

from declarations.demo import DEMO_PARTIES
from declarations.interchange import content_hash, parse
from declarations.models import Declaration
from documents.compose import print_image
from documents.content import DocumentData, EventEntry, PartyEntry, SignatureEntry
from signatories.models import Party
from signing import services as signing_services
from signing.images import clean_signature_image
from signing.models import Signature, Signing, SigningParty

# Printed under the signatures of the four demo parties (the same as the signing tests use).
PRINTED = {
    "gyeonggi": ("Kim Min-ji", "Minister for Digital Policies", "for the Gyeonggi Provincial Government"),
    "catalonia": ("Jordi Puig", "Minister for Digital Policies", "for the Government of Catalonia"),
    "kyoto": ("Sato Yuki", "Vice-Governor", "for Kyoto Prefecture"),
    "occitanie": ("Marie Dupont", "Vice-President", ""),
}
SIGNING_PARTIES = ["gyeonggi", "catalonia", "kyoto"]
MANIFESTO = Path(__file__).resolve().parents[2] / "declarations" / "data" / "deta-trustworthy-ai-manifesto.json"
DECLINE_REASON = "Our regional assembly has not yet approved the text."


def user(username: str) -> Any:
    return get_user_model().objects.get(username=username)


def signature_png(seed: int = 0) -> bytes:
    """A pen stroke on a transparent canvas, as signature_pad produces."""
    image = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    points = [(40 + x * 26, 110 + ((x * (7 + seed)) % 9 - 4) * 9) for x in range(20)]
    draw.line(points, fill=(10, 20, 60, 255), width=5, joint="curve")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _signing_party(signing: Signing, key: str) -> SigningParty:
    return SigningParty.objects.select_related("party", "signing__version", "signing__declaration").get(
        signing=signing, party__key=key
    )


def sign_manifesto(
    declaration: Declaration, *, others_in_person: int = 0, close: bool = True, stale_reason: str = ""
) -> Signing:
    """Gyeonggi, Catalonia and Kyoto sign (drawn), Occitanie declines publicly; optionally more
    DETA members sign in person (recorded by the secretariat); then signing is closed.

    `stale_reason` confirms opening on a version with translations flagged out of date."""
    secretariat = user("secretariat")
    others = list(
        Party.objects.filter(participations__declaration=declaration)
        .exclude(key__in=DEMO_PARTIES)
        .order_by("short_name")[:others_in_person]
    )
    parties = [Party.objects.get(key=k) for k in DEMO_PARTIES] + others
    version = declaration.versions.order_by("-number").first()
    assert version is not None
    signing = signing_services.signing_open(
        declaration=declaration,
        version=version,
        parties=parties,
        deadline=timezone.now() + timedelta(days=7),
        stale_reason=stale_reason,
        by=secretariat,
    )
    # Signature images are stored once the signing commits; a test's transaction never does.
    with TestCase.captureOnCommitCallbacks(execute=True):
        for index, key in enumerate(DEMO_PARTIES):
            name, title, capacity = PRINTED[key]
            signing_services.signatory_designate(
                signing_party=_signing_party(signing, key),
                user=user(f"{key}.signatory"),
                printed_name=name,
                printed_title=title,
                capacity=capacity,
                by=user(f"{key}.focal"),
            )
            if key in SIGNING_PARTIES:
                signing_services.signature_sign(
                    signing_party=_signing_party(signing, key),
                    content_hash=version.content_hash,
                    typed_name=name,
                    method=Signature.Method.DRAWN,
                    image=clean_signature_image(signature_png(index)),
                    idempotency_key=uuid.uuid4(),
                    ip_address="203.0.113.7",
                    user_agent="pytest",
                    by=user(f"{key}.signatory"),
                )
            else:
                signing_services.signature_decline(
                    signing_party=_signing_party(signing, key),
                    content_hash=version.content_hash,
                    reason=DECLINE_REASON,
                    reason_public=True,
                    idempotency_key=uuid.uuid4(),
                    ip_address="203.0.113.8",
                    user_agent="pytest",
                    by=user(f"{key}.signatory"),
                )
        for party in others:
            signing_services.signature_record_offline(
                signing_party=_signing_party(signing, party.key),
                method=Signature.Method.IN_PERSON,
                printed_name=f"Envoy of {party.short_name}",
                printed_title="Minister for Digital Affairs",
                signed_at=timezone.now(),
                scan=None,
                by=secretariat,
            )
    if close:
        signing_services.signing_close(signing=signing, by=secretariat)
    signing.refresh_from_db()
    return signing


def pdftotext(pdf: bytes, tmp_path: Path, *options: str) -> str:
    path = tmp_path / f"{uuid.uuid4().hex}.pdf"
    path.write_bytes(pdf)
    # A fixed poppler tool on a file this test wrote.
    return subprocess.run(  # noqa: S603
        ["pdftotext", *options, "-enc", "UTF-8", str(path), "-"],  # noqa: S607
        check=True,
        capture_output=True,
        text=True,
    ).stdout


_RENDERED: dict[str, bytes] = {}


def issued_draft(version: Any, *, languages: tuple[str, ...] = ("en",)) -> Any:
    """A version PDF, rendered once per test run and registered again in each test's database.

    Rendering takes about a second; tests about verification, downloads and commands only need
    a genuine sealed file that the database knows, so later calls reuse the first file's bytes
    (same seal certificate for the whole run, see conftest.py).
    """
    import hashlib

    from django.core.files.base import ContentFile

    from documents.models import IssuedDocument, Kind
    from documents.selectors import document_data
    from documents.services import document_issue, export_options

    key = "+".join(languages)
    if key not in _RENDERED:
        document = document_issue(version=version, kind=Kind.DRAFT, languages=list(languages), layout=None, by=None)
        with document.file.open("rb") as handle:
            _RENDERED[key] = handle.read()
        return document
    pdf = _RENDERED[key]
    langs, layout = export_options(version=version, languages=list(languages), layout=None)
    data = document_data(version=version, kind=Kind.DRAFT, languages=langs, layout=layout)
    document = IssuedDocument(
        sha256=hashlib.sha256(pdf).hexdigest(),
        declaration=version.declaration,
        version=version,
        kind=Kind.DRAFT,
        languages=langs,
        layout=layout,
        content_hash=version.content_hash,
        signature_digest=data.signature_digest(),
        render_key=data.render_key(),
        summary=data.summary(),
        size=len(pdf),
        pages=1,
    )
    document.file.save(f"{document.sha256}.pdf", ContentFile(pdf), save=False)
    document.save()
    return document


def submission_data(
    signatories: int = 6, *, undertaking: dict[str, str] | None = None
) -> tuple[DocumentData, dict[str, str]]:
    """The manifesto (en + ko side by side) signed by *signatories* synthetic parties, without a database."""
    snapshot = parse(MANIFESTO.read_bytes())
    now = datetime(2024, 9, 30, 9, 0, tzinfo=UTC)
    signatures, events, images = [], [], {}
    for index in range(signatories):
        party = PartyEntry(f"party-{index}", {"en": f"Party {index + 1}", "ko": f"당사자 {index + 1}"}, "")
        name = f"signatures/{index:04d}.png"
        images[name] = print_image(signature_png(index))
        at = now + timedelta(minutes=index)
        signatures.append(
            SignatureEntry(party, f"Signatory {index + 1} 서명인", "Minister · 장관", "", "drawn", at, image_name=name)
        )
        events.append(EventEntry(index + 1, "signed", at, "someone", party, 1, "", "drawn", "0" * 64, "f" * 64))
    data = DocumentData(
        kind="submission",
        slug="deta-trustworthy-ai-manifesto",
        snapshot=snapshot,
        version_number=1,
        version_label="Final 30/09/2024",
        published_at=now - timedelta(days=30),
        content_hash=content_hash(snapshot),
        is_final=True,
        languages=["en", "ko"],
        layout="side-by-side",
        verify_url="https://accord.example/verify/",
        parties=[s.party for s in signatures],
        signatures=signatures,
        undertaking=undertaking if undertaking is not None else {"en": "We sign.", "ko": "서명합니다."},
        events=events,
        signing_opened_at=now - timedelta(days=1),
        signing_closed_at=now + timedelta(days=1),
    )
    return data, images
