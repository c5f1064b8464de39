"""/verify/: anyone can tell an authentic Accord PDF from an altered or foreign one."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from declarations.models import Declaration
from documents.rendering import render_pdf
from documents.sealing import load_seal_signer, seal_pdf

from .helpers import issued_draft

pytestmark = pytest.mark.django_db
URL = "/verify/"


def _upload(client: Client, data: bytes) -> Any:
    return client.post(URL, {"file": SimpleUploadedFile("declaration.pdf", data, content_type="application/pdf")})


def _pdf(document: Any) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


def test_page_is_public(client: Client) -> None:
    """No login needed; the URL is documents:verify."""
    assert reverse("documents:verify") == URL
    response = client.get(URL)
    assert response.status_code == 200
    assert "Verify a PDF from Accord" in response.text


def test_authentic_upload_names_declaration_and_version(demo: Declaration, client: Client) -> None:
    """An issued PDF, unchanged, is authentic: declaration, version and hashes are shown."""
    document = issued_draft(demo.versions.get())
    response = _upload(client, _pdf(document))
    assert response.status_code == 200
    assert "Authentic" in response.text and "Not authentic" not in response.text
    assert "A manifesto for advancing trustworthy AI" in response.text
    assert "Version 1: Draft 28/08/2024" in response.text
    assert document.sha256 in response.text and document.content_hash in response.text


def test_one_changed_byte_is_not_authentic(demo: Declaration, client: Client) -> None:
    """The same file with one byte changed is reported as not authentic."""
    tampered = bytearray(_pdf(issued_draft(demo.versions.get())))
    tampered[len(tampered) // 3] ^= 0x01
    response = _upload(client, bytes(tampered))
    assert "Not authentic" in response.text
    assert "A manifesto for advancing trustworthy AI" not in response.text


def test_validly_sealed_but_never_issued_is_not_authentic(demo: Declaration, client: Client) -> None:
    """A file sealed with Accord's key but not registered as issued is not authentic."""
    html = "<!doctype html><html lang='en'><body><p>Not issued</p></body></html>"
    pdf = render_pdf(html, base_url=None, attachments=[], title="Not issued", lang="en")
    sealed = seal_pdf(pdf, signer=load_seal_signer(), reason="test", location=None)
    response = _upload(client, sealed)
    assert "Not authentic" in response.text


def test_garbage_upload_is_not_authentic(client: Client) -> None:
    """Anything that is not a PDF gets a clear answer, not an error page."""
    response = _upload(client, b"hello, I am not a PDF")
    assert response.status_code == 200 and "Not authentic" in response.text


def test_pasted_hash(demo: Declaration, client: Client) -> None:
    """A pasted SHA-256 of an issued PDF is authentic; any other hash is not; a malformed one is refused."""
    document = issued_draft(demo.versions.get())
    assert "Authentic" in client.post(URL, {"sha256": document.sha256.upper()}).text
    assert "Not authentic" in client.post(URL, {"sha256": "0" * 64}).text
    response = client.post(URL, {"sha256": "not-a-hash"})
    assert response.status_code == 400 and "64 hexadecimal characters" in response.text


def test_empty_and_oversized_uploads_are_refused(client: Client) -> None:
    """Nothing chosen, or a file over 20 MB, is refused with a message."""
    assert "Choose a PDF file or paste its SHA-256" in client.post(URL, {}).text
    big = _upload(client, b"%PDF-1.7\n" + b"0" * (20 * 1024 * 1024))
    assert big.status_code == 400 and "larger than 20 MB" in big.text


def test_csrf_applies(client: Client) -> None:
    """The upload form is CSRF-protected like every other form."""
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(URL, {"sha256": "0" * 64}).status_code == 403
