"""Journey (issue 21, "Done when"): signing as summits really run it.

A declaration is signed by some parties, a refusal is recorded by the secretariat, and signing closes;
after that, edits, publishing and a reviewer's new draft are refused. A year later one more party
adheres (recorded offline, with its date) and edition 2 of the signed PDF lists it; /verify/ accepts
both editions and names each; the audit chain holds throughout.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from consultations import services as consultations
from consultations.models import Comment
from declarations.demo import MANIFESTO_SLUG
from declarations.models import Declaration
from documents.sealing import generate_dev_certificate
from signatories.models import Party
from signing.models import Signature, Signing
from signing.tests.signing_helpers import PRINTED, designate, first_clause_key, sign, user

from .test_signing import _sign

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("ACCORD_SCREENSHOTS")  # a directory to keep screenshots in, when set
FROZEN = "Signing is closed: the declaration is signed"
_real_now = timezone.now


def _shot(page: Page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"summit-{name}.png"), full_page=True)


@pytest.fixture
def seal(settings: Any, tmp_path: Path) -> None:
    key, cert = generate_dev_certificate(tmp_path / "seal")
    settings.ACCORD_SEAL_KEY_FILE, settings.ACCORD_SEAL_CERT_FILE = str(key), str(cert)
    settings.ACCORD_SEAL_PKCS12_FILE = None


@pytest.fixture
def a_year_later() -> Iterator[Callable[[], datetime]]:
    """Call it to move the server's clock (django.utils.timezone.now) a year ahead; returns that moment."""
    offset = {"value": timedelta(0)}

    def shift() -> datetime:
        offset["value"] = timedelta(days=365)
        return _real_now() + offset["value"]

    with mock.patch("django.utils.timezone.now", side_effect=lambda: _real_now() + offset["value"]):
        yield shift


def _text(pdf: Path) -> str:
    # A fixed poppler tool on a file this test wrote.
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True, text=True)  # noqa: S603, S607
    return " ".join(out.stdout.split())


def _download_when_ready(page: Page, path: Path) -> None:
    expect(page.locator("#job-status")).to_contain_text("Ready", timeout=60_000)
    with page.expect_download() as download:
        page.locator("#download-pdf").click()
    download.value.save_as(path)


def _verify(page: Page, base: str, pdf: Path) -> Any:
    page.goto(f"{base}/verify/")
    page.set_input_files("#id_file", str(pdf))
    page.get_by_role("button", name="Verify").click()
    verdict = page.locator("#verdict")
    expect(verdict).to_contain_text("Authentic")
    return verdict


def test_signed_closed_adhered_a_year_later_and_both_editions_verify(
    login: Callable[[str], Page],
    demo_live: Any,
    seal: None,
    a_year_later: Callable[[], datetime],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    base = demo_live.url
    board = f"{base}/d/{MANIFESTO_SLUG}/signing/"
    declaration = Declaration.objects.get(slug=MANIFESTO_SLUG)
    round_ = consultations.round_open(
        declaration=declaration,
        version=declaration.versions.get(number=1),
        deadline=timezone.now() + timedelta(days=14),
        by=user("secretariat"),
    )

    # The secretariat opens signing for the four demo parties.
    page = login("secretariat")
    page.goto(f"{board}open/")
    for box in page.locator("input[name=parties]").all():
        box.uncheck()
    for key in PRINTED:
        page.locator("label.check", has_text=Party.objects.get(key=key).short_name).locator("input").check()
    page.click("text=Mark as final and open signing")
    expect(page.locator(".signing-board tbody tr")).to_have_count(4)
    signing = Signing.objects.get()

    # Gyeonggi signs in the browser, Catalonia through the service; Kyoto never answers.
    for key in ("gyeonggi", "catalonia"):
        designate(signing, key)
    page = login("gyeonggi.signatory")
    page.goto(f"{board}party/gyeonggi/")
    _sign(page, "gyeonggi")
    expect(page.locator("#party-gyeonggi .badge-signed")).to_be_visible()
    sign(signing, "catalonia")

    # The secretariat records that Occitanie declined, with its public reason.
    page = login("secretariat")
    page.goto(board)
    page.click("#party-occitanie >> text=Record declined or absent")
    page.check("input[name=outcome][value=declined]")
    page.fill("#id_reason", "Our assembly voted against the text.")
    page.check("input[name=visibility][value=public]")
    page.click("button:has-text('Record')")
    expect(page.locator("#party-occitanie .badge-declined")).to_be_visible()

    # Kyoto's reviewer starts a comment while the round is open …
    reviewer = page.context.browser.new_context()  # type: ignore[union-attr]
    draft_page = reviewer.new_page()
    draft_page.goto(f"{base}/accounts/login/")
    draft_page.fill("#id_username", "kyoto.reviewer")
    draft_page.fill("#id_password", "accord-demo")
    draft_page.click("button[type=submit].primary")
    draft_page.wait_for_url(f"{base}/")
    draft_page.goto(f"{base}/d/{MANIFESTO_SLUG}/rounds/{round_.number}/comments/new/")
    draft_page.fill("#id_text", "A late thought from Kyoto.")

    # … and the secretariat closes signing.
    page.goto(board)
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button:has-text('Close signing')")
    expect(page.locator(".messages")).to_contain_text("Signing is closed and the declaration is signed.")
    _shot(page, "01-closed")

    # After closing: the reviewer's new draft, an edit and publishing are refused; nothing is saved.
    comments = Comment.objects.count()
    with draft_page.expect_response(lambda r: r.request.method == "POST") as posted:
        draft_page.get_by_role("button", name="Save draft").click()
    assert posted.value.status == 403
    assert Comment.objects.count() == comments
    draft_page.goto(f"{base}/d/{MANIFESTO_SLUG}/rounds/{round_.number}/")
    expect(draft_page.locator("[data-round-state]")).to_have_text("Closed")
    expect(draft_page.get_by_text("Write a comment")).to_have_count(0)
    reviewer.close()
    key = first_clause_key(declaration)
    page.goto(f"{base}/d/{MANIFESTO_SLUG}/clauses/{key}/edit/en/")
    expect(page.locator(".messages")).to_contain_text(FROZEN)
    page.goto(f"{base}/d/{MANIFESTO_SLUG}/versions/publish/")
    expect(page.locator(".messages")).to_contain_text(FROZEN)
    assert declaration.versions.count() == 1

    # Edition 1 of the signed PDF.
    page.goto(f"{base}/d/{MANIFESTO_SLUG}/pdf/")
    page.locator("#submission").get_by_role("button", name="Prepare submission PDF").click()
    edition_1 = tmp_path / "edition-1.pdf"
    _download_when_ready(page, edition_1)
    text_1 = _text(edition_1)
    declined = text_1[text_1.index("Parties that declined to sign") :]
    assert "Occitanie" in declined and "Our assembly voted against the text." in declined
    assert "Occitanie" not in text_1[text_1.index("Signatures ·") : text_1.index("Parties that declined to sign")]
    assert "adhered" not in text_1.lower()

    # A year later, Kyoto adheres: the secretariat invites it and records the instrument, dated.
    later = a_year_later()
    page = login("secretariat")
    page.goto(board)
    page.click("text=Invite a party to adhere")
    page.select_option("#id_party", "kyoto")
    page.click("button:has-text('Invite to adhere')")
    expect(page.locator("#party-kyoto .badge-invited")).to_contain_text(f"Invited to adhere on {later:%Y-%m-%d}")
    page.click("#party-kyoto >> text=Record adherence")
    page.check("input[name=method][value=in_person]")
    page.fill("#id_printed_name", PRINTED["kyoto"][0])
    page.fill("#id_printed_title", PRINTED["kyoto"][1])
    page.fill("#id_adhered_on", f"{later:%Y-%m-%d}")
    page.click("button:has-text('Record the adherence')")
    expect(page.locator("#party-kyoto .badge-adhered")).to_have_text(f"Adhered on {later:%Y-%m-%d}")
    expect(page.locator(".count-adhered")).to_have_text("1 adhered after closing")
    expect(page.locator(".count-signed")).to_have_text("2 signed")
    _shot(page, "02-adhered")
    adherence = Signature.objects.get(party__key="kyoto")
    assert (adherence.status, adherence.method) == ("adhered", "in_person")
    assert Signing.objects.get().status == Signing.Status.CLOSED

    # Edition 2 of the signed PDF lists Kyoto, with its date, apart from the signatories.
    page.click("button:has-text('Issue edition 2 of the signed PDF')")
    edition_2 = tmp_path / "edition-2.pdf"
    _download_when_ready(page, edition_2)
    expect(page.locator("#job-status .edition")).to_have_text("2")
    text_2 = _text(edition_2)
    assert "Edition 2, issued" in text_2
    adherents = text_2[text_2.index("Parties that adhered after signing closed") :]
    assert f"Sato Yuki Vice-Governor Adhered on {later:%Y-%m-%d}" in adherents
    signatories = text_2[text_2.index("Signatures ·") : text_2.index("Parties that declined to sign")]
    assert "Kyoto" not in signatories and "Occitanie" not in signatories
    assert "Occitanie" in text_2[text_2.index("Parties that declined to sign") :]

    # /verify/ accepts both editions and names each; the first one says a newer edition exists.
    page.context.clear_cookies()
    verdict = _verify(page, base, edition_1)
    expect(verdict.locator("#edition")).to_contain_text("Edition 1: the record as signing closed.")
    expect(verdict.locator(".newer-edition")).to_contain_text("A newer edition exists: edition 2.")
    _shot(page, "03-verify-edition-1")
    verdict = _verify(page, base, edition_2)
    expect(verdict.locator("#edition")).to_contain_text("Edition 2: the record as signing closed, with the parties")
    expect(verdict.locator(".latest-edition")).to_have_text("This is the latest edition.")
    expect(verdict.locator("table.adherents")).to_contain_text(f"{later:%Y-%m-%d}")
    _shot(page, "04-verify-edition-2")

    # The audit chain held through all of it, and still holds every entry both editions sealed.
    call_command("verify_audit", MANIFESTO_SLUG)
    for pdf in (edition_1, edition_2):
        call_command("verify_audit", MANIFESTO_SLUG, "--against", str(pdf))
    out = capsys.readouterr().out
    assert out.count("OK:") == 3, out
