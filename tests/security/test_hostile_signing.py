"""Hostile text and files in signing: designation, typed name, decline reason, signature images, scans, /verify/."""

from __future__ import annotations

import io
import uuid
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from declarations.models import Declaration
from signatories.models import Membership
from signing.models import Signature, Signing
from signing.tests.signing_helpers import designate, drawing_data_url, open_signing

from . import corpus
from .conftest import db_state, user

pytestmark = pytest.mark.django_db

BAD_IMAGES = {
    "PHP renamed .png": (corpus.PHP_AS_PNG, "not a readable PNG or JPEG"),
    "HTML renamed .png": (corpus.HTML_AS_PNG, "not a readable PNG or JPEG"),
    "SVG with script": (corpus.SVG_WITH_SCRIPT, "not a readable PNG or JPEG"),
    "10-gigapixel PNG header": (corpus.huge_dimension_png(), "not a readable PNG or JPEG"),
    "100-megapixel PNG header": (corpus.huge_dimension_png(10_000, 10_000), "too many pixels"),
    "truncated JPEG": (corpus.truncated_jpeg(), "not a readable PNG or JPEG"),
    "truncated PNG": (corpus.truncated_png(), "not a readable PNG or JPEG"),
}
BAD_SCANS = {
    "PHP renamed .png": (corpus.PHP_AS_PNG, "must be a PDF, PNG or JPEG"),
    "HTML renamed .pdf": (corpus.HTML_AS_PNG, "must be a PDF, PNG or JPEG"),
    "SVG with script": (corpus.SVG_WITH_SCRIPT, "must be a PDF, PNG or JPEG"),
    "10-gigapixel PNG header": (corpus.huge_dimension_png(), "not a readable image"),
    "truncated JPEG": (corpus.truncated_jpeg(), "not a readable image"),
    "truncated PDF": (b"%PDF-1.7\n1 0 obj <<>> endobj\n", "PDF file is incomplete"),
}
BAD_DESIGNATIONS = [
    ({"printed_name": corpus.NUL}, "Null characters are not allowed"),
    ({"printed_name": "n" * 201}, "at most 200 characters"),
    ({"capacity": "c" * 301}, "at most 300 characters"),
    ({"printed_title": corpus.ONLY_WHITESPACE}, "This field is required"),
]
BAD_DECLINE_REASONS = [corpus.NUL, "r" * 5001, corpus.ONLY_WHITESPACE]


def _board(demo: Declaration) -> str:
    return f"/d/{demo.slug}/signing/"


def _party_url(demo: Declaration, key: str, action: str = "") -> str:
    return f"/d/{demo.slug}/signing/party/{key}/{action}"


def _sign_form(signing: Signing, typed_name: str, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "content_hash": signing.version.content_hash,
        "idempotency_key": str(uuid.uuid4()),
        "password": "accord-demo",
        "typed_name": typed_name,
        "method": "drawn",
        "drawing": drawing_data_url(),
        "confirm": "on",
    }
    data.update(extra)
    return data


def test_designation_fields_are_escaped_on_the_board_and_sign_page(demo: Declaration, user_client: Any) -> None:
    """Printed name, title and capacity from the focal point's form show escaped and intact."""
    signing = open_signing(demo)
    focal, signatory = user_client("gyeonggi.focal"), user_client("gyeonggi.signatory")
    member = Membership.objects.get(user__username="gyeonggi.signatory", role=Membership.Role.SIGNATORY)
    for sample in corpus.DIRECTION_SAMPLES:
        form = {"signatory": member.pk, "printed_name": sample.text, "printed_title": "Minister", "capacity": ""}
        response = focal.post(_party_url(demo, "gyeonggi", "designate/"), form)
        assert "Direction control" in response.content.decode(), sample.name
    for sample in corpus.SINGLE_LINE:
        response = focal.post(
            _party_url(demo, "gyeonggi", "designate/"),
            {
                "signatory": member.pk,
                "printed_name": sample.text,
                "printed_title": sample.text,
                "capacity": sample.text,
            },
        )
        assert response.status_code == 302, (sample.name, response.content.decode()[-1500:])
        sp = signing.parties.get(party__key="gyeonggi")
        assert sp.printed_name == sp.printed_title == sp.capacity == corpus.stored(sample.text)
        for page in (focal.get(_board(demo)), signatory.get(_party_url(demo, "gyeonggi"))):
            html = page.content.decode()
            assert not corpus.dangerous_in(html, sample), sample.name
            assert corpus.shown(html, sample.text), sample.name


def test_hostile_typed_name_signs_and_shows_escaped(demo: Declaration, user_client: Any) -> None:
    """A printed name full of markup is typed back by the signer; the board shows it escaped."""
    signing = open_signing(demo)
    member = Membership.objects.get(user__username="gyeonggi.signatory", role=Membership.Role.SIGNATORY)
    name = corpus.ATTRIBUTE_BREAKOUT.text + " 김민지 " + corpus.SCRIPT.text
    user_client("gyeonggi.focal").post(
        _party_url(demo, "gyeonggi", "designate/"),
        {"signatory": member.pk, "printed_name": name, "printed_title": corpus.EMOJI.text},
    )
    response = user_client("gyeonggi.signatory").post(_party_url(demo, "gyeonggi"), _sign_form(signing, name))
    assert response.status_code == 302
    assert Signature.objects.get().printed_name == name
    board = user_client("catalonia.focal").get(_board(demo)).content.decode()
    for sample in (corpus.ATTRIBUTE_BREAKOUT, corpus.SCRIPT):
        assert not corpus.dangerous_in(board, sample)
    assert corpus.shown(board, name) and corpus.shown(board, corpus.EMOJI.text)


def test_bad_designation_is_refused_and_changes_nothing(demo: Declaration, user_client: Any) -> None:
    """A bad designation form answers with a message and writes nothing."""
    open_signing(demo)
    member = Membership.objects.get(user__username="gyeonggi.signatory", role=Membership.Role.SIGNATORY)
    for data, message in BAD_DESIGNATIONS:
        before = db_state()
        form = {"signatory": member.pk, "printed_name": "Kim", "printed_title": "Minister", **data}
        response = user_client("gyeonggi.focal").post(_party_url(demo, "gyeonggi", "designate/"), form)
        assert response.status_code in (200, 400)
        assert message in response.content.decode(), message
        assert db_state() == before


def test_designation_service_refuses_nul_and_overlong_values(demo: Declaration) -> None:
    """signatory_designate checks NUL and lengths itself, not only the form (PostgreSQL would 500)."""
    from signing import services

    signing = open_signing(demo)
    sp = signing.parties.get(party__key="gyeonggi")
    before = db_state()
    for name, title in ((corpus.NUL, "Minister"), ("n" * 201, "Minister"), ("Kim", "t" * 201)):
        with pytest.raises(services.SigningError):
            services.signatory_designate(
                signing_party=sp,
                user=user("gyeonggi.signatory"),
                printed_name=name,
                printed_title=title,
                by=user("gyeonggi.focal"),
            )
    assert db_state() == before


def test_public_decline_reason_is_escaped_for_other_parties(demo: Declaration, user_client: Any) -> None:
    """A public decline reason holding every hostile sample (one per line) shows escaped to other parties."""
    signing = open_signing(demo)
    reason = "\n".join(s.text for s in corpus.ALL)
    response = user_client("catalonia.focal").post(
        _party_url(demo, "catalonia", "decline/"),
        {
            "content_hash": signing.version.content_hash,
            "idempotency_key": str(uuid.uuid4()),
            "reason": reason,
            "visibility": "public",
        },
    )
    assert response.status_code == 302
    assert Signature.objects.get().decline_reason == corpus.stored(reason)
    board = user_client("kyoto.focal").get(_board(demo)).content.decode()
    for sample in corpus.ALL:
        assert not corpus.dangerous_in(board, sample), sample.name
        assert corpus.shown(board, sample.text), sample.name


def test_bad_decline_reason_is_refused(demo: Declaration, user_client: Any) -> None:
    """Declining with NUL, 5,001 characters or no reason: 400 with a message, no answer recorded."""
    signing = open_signing(demo)
    for reason in BAD_DECLINE_REASONS:
        before = db_state()
        response = user_client("catalonia.focal").post(
            _party_url(demo, "catalonia", "decline/"),
            {
                "content_hash": signing.version.content_hash,
                "idempotency_key": str(uuid.uuid4()),
                "reason": reason,
                "visibility": "public",
            },
        )
        assert response.status_code == 400
        body = response.content.decode()
        assert any(m in body for m in ("Null characters", "at most 5000", "at most 5,000", "This field is required"))
        assert db_state() == before


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_bad_signature_upload_is_refused_by_content(demo: Declaration, user_client: Any) -> None:
    """A non-image or hostile image named .png is refused with a clear message; nothing is signed."""
    signing = open_signing(demo)
    designate(signing, "gyeonggi")
    for name in BAD_IMAGES:
        data, message = BAD_IMAGES[name]
        before = db_state()
        upload = SimpleUploadedFile("signature.png", data, content_type="image/png")
        response = user_client("gyeonggi.signatory").post(
            _party_url(demo, "gyeonggi"), _sign_form(signing, "Kim Min-ji", method="uploaded", image=upload)
        )
        assert response.status_code == 400, name
        assert message in response.content.decode(), name
        assert db_state() == before


def test_drawn_signature_must_be_a_png(demo: Declaration, user_client: Any) -> None:
    """A data URL carrying SVG or HTML instead of a PNG drawing is refused."""
    import base64

    signing = open_signing(demo)
    designate(signing, "gyeonggi")
    before = db_state()
    for drawing in (
        "data:image/svg+xml;base64," + base64.b64encode(corpus.SVG_WITH_SCRIPT).decode(),
        "data:image/png;base64," + base64.b64encode(corpus.HTML_AS_PNG).decode(),
        "javascript:alert(1)",
    ):
        response = user_client("gyeonggi.signatory").post(
            _party_url(demo, "gyeonggi"), _sign_form(signing, "Kim Min-ji", drawing=drawing)
        )
        assert response.status_code == 400
    assert db_state() == before


@pytest.mark.parametrize("make", [corpus.png_with_exif, corpus.jpeg_with_exif], ids=["PNG", "JPEG"])
def test_accepted_signature_image_is_re_encoded_without_metadata(
    demo: Declaration, user_client: Any, make: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """An accepted upload is stored as a fresh PNG: different bytes, no EXIF, no text chunks."""
    signing = open_signing(demo)
    designate(signing, "gyeonggi")
    original = make()
    upload = SimpleUploadedFile("me.png", original, content_type="image/png")
    with django_capture_on_commit_callbacks(execute=True):  # the image is stored once the row commits
        response = user_client("gyeonggi.signatory").post(
            _party_url(demo, "gyeonggi"), _sign_form(signing, "Kim Min-ji", method="uploaded", image=upload)
        )
    assert response.status_code == 302
    stored = Signature.objects.get().image.read()
    assert stored != original
    assert b"SecretCamera" not in stored and b"secret-location-data" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "PNG"
        assert not image.getexif()
        assert "Comment" not in image.info and "exif" not in image.info
    served = user_client("gyeonggi.signatory").get(
        f"/d/{demo.slug}/signing/signatures/{Signature.objects.get().pk}/image/"
    )
    assert served["Content-Type"] == "image/png" and served["X-Content-Type-Options"] == "nosniff"


def test_bad_paper_scan_is_refused_by_content(demo: Declaration, user_client: Any) -> None:
    """A paper scan that is not really a PDF/PNG/JPEG (or is broken) is refused; nothing is recorded."""
    open_signing(demo)
    for name in BAD_SCANS:
        data, message = BAD_SCANS[name]
        before = db_state()
        response = user_client("secretariat").post(
            _party_url(demo, "kyoto", "record/"),
            {
                "method": "paper",
                "printed_name": "Sato Yuki",
                "printed_title": "Vice-Governor",
                "signed_at": timezone.now().strftime("%Y-%m-%dT%H:%M"),
                "scan": SimpleUploadedFile("scan.pdf", data, content_type="application/pdf"),
            },
        )
        assert response.status_code in (200, 400), name
        assert message in response.content.decode(), name
        assert db_state() == before


@pytest.mark.parametrize(
    "data",
    [
        corpus.PHP_AS_PNG,
        corpus.HTML_AS_PNG,
        corpus.SVG_WITH_SCRIPT,
        corpus.png_with_exif(),
        b"%PDF-1.7\ntruncated",
        b"",
    ],
    ids=["PHP", "HTML", "SVG", "PNG", "truncated PDF", "empty"],
)
def test_verify_upload_of_garbage_says_not_authentic(client: Any, seal: Any, data: bytes) -> None:
    """/verify/ answers a non-PDF or broken file with a page saying it is not authentic, never a 500."""
    upload = SimpleUploadedFile("doc.pdf", data, content_type="application/pdf")
    response = client.post("/verify/", {"file": upload})
    assert response.status_code in (200, 400)
    body = response.content.decode()
    assert "<script>alert" not in body
    if data:
        assert response.status_code == 200
        assert response.context["result"] is not None and not response.context["result"].authentic
