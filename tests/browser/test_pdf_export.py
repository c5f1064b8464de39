"""Journey: the secretariat requests a PDF, watches it become ready, downloads it, and /verify/ calls it authentic."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from declarations.demo import MANIFESTO_SLUG
from documents.sealing import generate_dev_certificate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seal(settings: Any, tmp_path: Path) -> None:
    key, cert = generate_dev_certificate(tmp_path / "seal")
    settings.ACCORD_SEAL_KEY_FILE, settings.ACCORD_SEAL_CERT_FILE = str(key), str(cert)
    settings.ACCORD_SEAL_PKCS12_FILE = None


def test_export_download_and_verify(login: Callable[[str], Page], demo_live: Any, seal: None, tmp_path: Path) -> None:
    """Request → ready → download → upload to /verify/ → "Authentic"; a changed copy → "Not authentic"."""
    page = login("secretariat")
    page.goto(f"{demo_live.url}/d/{MANIFESTO_SLUG}/")
    page.get_by_role("link", name="PDF", exact=True).click()
    expect(page.get_by_role("heading", name="PDF documents")).to_be_visible()
    page.locator("#version-pdf").get_by_role("button", name="Prepare PDF").click()

    status = page.locator("#job-status")
    expect(status).to_have_attribute("data-status", "ready", timeout=30_000)
    with page.expect_download() as download_info:
        page.locator("#download-pdf").click()
    pdf = tmp_path / "manifesto.pdf"
    download_info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF-1.7")

    page.goto(f"{demo_live.url}/verify/")
    page.set_input_files("#id_file", str(pdf))
    page.get_by_role("button", name="Verify").click()
    verdict = page.locator("#verdict")
    expect(verdict).to_contain_text("Authentic")
    expect(verdict).to_contain_text("A manifesto for advancing trustworthy AI")

    altered = bytearray(pdf.read_bytes())
    altered[len(altered) // 2] ^= 0x01
    (tmp_path / "altered.pdf").write_bytes(bytes(altered))
    page.set_input_files("#id_file", str(tmp_path / "altered.pdf"))
    page.get_by_role("button", name="Verify").click()
    expect(page.locator("#verdict")).to_contain_text("Not authentic")
