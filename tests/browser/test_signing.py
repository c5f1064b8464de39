"""Journeys: open signing, sign by drawing and by upload, record paper, decline, correct the text, re-sign."""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from playwright.sync_api import Page, expect

from declarations.demo import MANIFESTO_SLUG
from declarations.models import Declaration
from signing.models import Signature, Signing, SigningEvent
from signing.tests.signing_helpers import (
    PRINTED,
    correct_clause,
    designate,
    first_clause_key,
    open_signing,
    png_bytes,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("ACCORD_SCREENSHOTS")  # a directory to keep screenshots in, when set


def _shot(page: Page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"signing-{name}.png"), full_page=True)


def _draw(page: Page) -> None:
    # The frozen text loads after the page (from its own address) and pushes the form down: read it
    # first, as a signatory does, so the canvas stays where the strokes go.
    page.locator("article.frozen").wait_for()
    canvas = page.locator("#signature-pad")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box is not None
    x, y = box["x"], box["y"]
    page.mouse.move(x + 40, y + 120)
    page.mouse.down()
    for i in range(1, 30):
        page.mouse.move(x + 40 + i * 12, y + 120 - (40 if i % 4 < 2 else -10), steps=2)
    page.mouse.up()


def _sign(page: Page, key: str, *, upload: Any = None) -> None:
    if upload is None:
        _draw(page)
    else:
        page.check("input[name=method][value=uploaded]")
        page.set_input_files("input[name=image]", upload)
    page.fill("#id_typed_name", PRINTED[key][0].upper())
    page.fill("#id_password", "accord-demo")
    page.check("#id_confirm")
    page.click("#sign-submit")


def test_signatory_draws_a_signature(login, demo_live) -> None:  # type: ignore[no-untyped-def]
    """Gyeonggi's signatory draws on the canvas, signs, and the board shows the drawn signature."""
    signing = open_signing(Declaration.objects.get(slug=MANIFESTO_SLUG))
    designate(signing, "gyeonggi")
    page = login("gyeonggi.signatory")
    page.goto(f"{demo_live.url}/d/{MANIFESTO_SLUG}/signing/party/gyeonggi/")
    expect(page.locator(".undertaking")).to_contain_text("We, the undersigned")
    _sign(page, "gyeonggi")
    expect(page.locator(".messages")).to_contain_text("You have signed")
    expect(page.locator("#party-gyeonggi .badge-signed")).to_be_visible()
    expect(page.locator("#party-gyeonggi .method")).to_have_text("Drawn on screen")
    signature = Signature.objects.get()
    assert signature.image.size > 500  # the strokes, not an empty canvas


def test_empty_canvas_is_refused(login, demo_live) -> None:  # type: ignore[no-untyped-def]
    """Submitting without drawing asks for a drawing and records nothing."""
    signing = open_signing(Declaration.objects.get(slug=MANIFESTO_SLUG))
    designate(signing, "gyeonggi")
    page = login("gyeonggi.signatory")
    page.goto(f"{demo_live.url}/d/{MANIFESTO_SLUG}/signing/party/gyeonggi/")
    page.fill("#id_typed_name", "Kim Min-ji")
    page.fill("#id_password", "accord-demo")
    page.check("#id_confirm")
    page.click("#sign-submit")
    expect(page.locator(".errorlist")).to_contain_text("Draw your signature in the box.")
    assert not Signature.objects.exists()


def test_full_signing_journey_with_a_correction(login, demo_live, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The issue's journey: four answers, a corrected clause, three superseded, Gyeonggi signs again."""
    base = f"{demo_live.url}/d/{MANIFESTO_SLUG}/signing"
    declaration = Declaration.objects.get(slug=MANIFESTO_SLUG)

    # The secretariat opens signing for the four demo parties.
    page = login("secretariat")
    page.goto(f"{demo_live.url}/d/{MANIFESTO_SLUG}/")
    page.click(".doc-actions >> text=Signing")
    page.wait_for_url(f"{base}/open/")
    for box in page.locator("input[name=parties]").all():
        box.uncheck()
    for key in PRINTED:
        page.locator("label.check", has_text=_short(key)).locator("input").check()
    _shot(page, "01-open")
    page.click("text=Mark as final and open signing")
    expect(page.locator(".signing-board tbody tr")).to_have_count(4)

    # Focal points designate; Gyeonggi's through the page, the others directly.
    page = login("gyeonggi.focal")
    page.goto(f"{base}/party/gyeonggi/designate/")
    page.select_option("#id_signatory", label="Gyeonggi Signatory (gyeonggi.signatory)")
    page.fill("#id_printed_name", PRINTED["gyeonggi"][0])
    page.fill("#id_printed_title", PRINTED["gyeonggi"][1])
    page.fill("#id_capacity", PRINTED["gyeonggi"][2])
    page.click("button:has-text('Designate')")
    expect(page.locator("#party-gyeonggi")).to_contain_text("Minister for Digital Policies")
    signing = Signing.objects.get()
    for key in ["catalonia", "occitanie"]:
        designate(signing, key)

    # Gyeonggi draws; Catalonia uploads an image.
    page = login("gyeonggi.signatory")
    page.goto(f"{base}/party/gyeonggi/")
    _shot(page, "02-sign-page")
    _sign(page, "gyeonggi")
    expect(page.locator("#party-gyeonggi .badge-signed")).to_be_visible()
    image = tmp_path / "signature.jpg"
    image.write_bytes(png_bytes(fmt="JPEG"))
    page = login("catalonia.signatory")
    page.goto(f"{base}/party/catalonia/")
    _sign(page, "catalonia", upload=str(image))
    expect(page.locator("#party-catalonia .method")).to_have_text("Uploaded image")

    # The secretariat records Kyoto's paper signature with the scan.
    page = login("secretariat")
    page.goto(f"{base}/")
    page.click("#party-kyoto >> text=Record paper signature")
    page.fill("#id_printed_name", PRINTED["kyoto"][0])
    page.fill("#id_printed_title", PRINTED["kyoto"][1])
    scan = tmp_path / "kyoto-scan.pdf"
    scan.write_bytes(b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n")
    page.set_input_files("#id_scan", str(scan))
    page.click("button:has-text('Record the signature')")
    expect(page.locator("#party-kyoto .method")).to_have_text("Signed on paper")

    # Occitanie declines with a public reason.
    page = login("occitanie.signatory")
    page.goto(f"{base}/party/occitanie/")
    page.click("summary:has-text('Decline to sign')")
    page.fill("#id_reason", "Our assembly votes on the text next month.")
    page.check("input[name=visibility][value=public]")
    page.click("#decline-form button[type=submit]")
    expect(page.locator("#party-occitanie")).to_contain_text("Our assembly votes on the text next month.")

    # The secretariat corrects a clause, publishes, and reopens signing on the new version.
    key = first_clause_key(declaration)
    correct_clause(declaration, key, "Artificial intelligence must serve people, with trust built in from the start.")
    from declarations.services import version_publish
    from signing.tests.signing_helpers import user

    version_publish(declaration=declaration, label="Final 30/09/2024", by=user("secretariat"))
    page = login("secretariat")
    page.goto(f"{base}/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("text=Reopen signing on this version")
    expect(page.locator(".count-superseded")).to_have_text("3 superseded")
    expect(page.locator(".history-superseded")).to_have_count(4)
    for party in ["gyeonggi", "catalonia", "kyoto"]:
        expect(page.locator(f"#party-{party} .badge-superseded")).to_be_visible()
    expect(page.locator("#party-occitanie .badge-pending")).to_be_visible()
    _shot(page, "03-board-after-reopen")

    # Gyeonggi's signatory sees the redline of exactly that clause and signs again.
    page = login("gyeonggi.signatory")
    page.goto(f"{base}/party/gyeonggi/")
    expect(page.locator("#changes")).to_contain_text("What changed since you signed version 1")
    expect(page.locator("#changes .change")).to_have_count(1)
    expect(page.locator(f"#changes .change[data-clause='{key}'] ins").first).to_be_visible()
    _shot(page, "04-redline")
    _sign(page, "gyeonggi")
    expect(page.locator("#party-gyeonggi .badge-signed")).to_be_visible()
    expect(page.locator(".by-version h3").first).to_contain_text("Version 2")
    _shot(page, "05-board-resigned")

    call_command("verify_audit", MANIFESTO_SLUG)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {SigningEvent._meta.db_table} SET actor_name = 'mallory' WHERE seq = 2")  # noqa: S608
    with pytest.raises(CommandError, match="BROKEN"):
        call_command("verify_audit", MANIFESTO_SLUG)


def _short(key: str) -> str:
    from signatories.models import Party

    return Party.objects.get(key=key).short_name
