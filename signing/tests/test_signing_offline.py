"""Signatures given on paper or in person, recorded by the secretariat with the scan."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from declarations.models import Declaration
from signing.models import Signature, SigningEvent

from .signing_helpers import committed, open_signing, png_bytes

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n"


def _post(client, demo: Declaration, **extra: object):  # type: ignore[no-untyped-def]
    data: dict[str, object] = {
        "method": "paper",
        "printed_name": "Sato Yuki",
        "printed_title": "Vice-Governor",
        "capacity": "for Kyoto Prefecture",
        "signed_at": timezone.now().strftime("%Y-%m-%dT%H:%M"),
        "scan": SimpleUploadedFile("kyoto.jpg", PDF),
    }
    data.update(extra)
    return client.post(f"/d/{demo.slug}/signing/party/kyoto/record/", data)


def test_secretariat_records_a_paper_signature_with_scan(user_client, demo: Declaration) -> None:  # type: ignore[no-untyped-def]
    """A paper signature is stored with its scan (typed by content) and audited as recorded offline."""
    open_signing(demo)
    assert _post(user_client("secretariat"), demo).status_code == 302
    signature = Signature.objects.get()
    assert (signature.method, signature.status, signature.signer) == ("paper", "signed", None)
    assert signature.scan.name is not None and signature.scan.name.endswith(".pdf")
    assert signature.recorded_by.username == "secretariat"  # type: ignore[union-attr]
    assert SigningEvent.objects.filter(kind="recorded_offline", party_key="kyoto").exists()


def test_paper_needs_a_scan(user_client, demo: Declaration) -> None:  # type: ignore[no-untyped-def]
    """Without a scan, a paper signature is refused; in person needs none."""
    open_signing(demo)
    client = user_client("secretariat")
    assert _post(client, demo, scan="").status_code == 200
    assert not Signature.objects.exists()
    assert _post(client, demo, scan="", method="in_person").status_code == 302


def test_scan_that_is_not_a_pdf_or_image_is_refused(user_client, demo: Declaration) -> None:  # type: ignore[no-untyped-def]
    """A text file named .pdf is refused."""
    open_signing(demo)
    response = _post(user_client("secretariat"), demo, scan=SimpleUploadedFile("scan.pdf", b"not a pdf"))
    assert b"The scan must be a PDF, PNG or JPEG file." in response.content


def test_board_shows_the_method_as_paper(user_client, demo: Declaration) -> None:  # type: ignore[no-untyped-def]
    """The board labels the signature as signed on paper, not as signed in Accord."""
    open_signing(demo)
    _post(user_client("secretariat"), demo, scan=SimpleUploadedFile("k.png", png_bytes()))
    content = user_client("gyeonggi.reviewer").get(f"/d/{demo.slug}/signing/").content.decode()
    assert "Signed on paper" in content


def test_scan_is_for_the_secretariat_and_the_party(user_client, demo: Declaration) -> None:  # type: ignore[no-untyped-def]
    """The scan downloads for the secretariat and Kyoto's members; other parties 403, outsiders 404."""
    open_signing(demo)
    with committed():  # the scan is written once the record commits
        _post(user_client("secretariat"), demo)
    url = f"/d/{demo.slug}/signing/signatures/{Signature.objects.get().pk}/scan/"
    assert user_client("secretariat").get(url).status_code == 200
    assert user_client("kyoto.reviewer").get(url).status_code == 200
    assert user_client("gyeonggi.reviewer").get(url).status_code == 403
    assert user_client("outsider").get(url).status_code == 404


@pytest.mark.parametrize(("username", "status"), [("kyoto.focal", 403), ("outsider", 404)])
def test_only_the_secretariat_records(user_client, demo: Declaration, username: str, status: int) -> None:  # type: ignore[no-untyped-def]
    """Parties cannot record offline signatures; outsiders get 404."""
    open_signing(demo)
    assert _post(user_client(username), demo).status_code == status
