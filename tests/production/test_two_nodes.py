"""Two web nodes behind one address hold no state of their own: sessions, exports and files are shared."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from declarations.demo import MANIFESTO_SLUG
from signing.tests.signing_helpers import PRINTED, png_bytes

from .conftest import Stack

pytestmark = [pytest.mark.production, pytest.mark.browser]

OPEN_SIGNING = (
    "from declarations.models import Declaration; "
    "from signing.tests.signing_helpers import open_signing, designate; "
    f"s = open_signing(Declaration.objects.get(slug='{MANIFESTO_SLUG}')); designate(s, 'gyeonggi')"
)


def _login(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "accord-demo")
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{base}/")


def test_session_made_on_one_node_is_valid_on_the_other(stack: Stack, page: Page) -> None:
    """Logged in through node A, the same browser reads the declaration through node B."""
    _login(page, stack.a, "catalonia.reviewer")
    page.goto(f"{stack.b}/d/{MANIFESTO_SLUG}/")
    expect(page.locator("h1")).to_contain_text("A manifesto for advancing trustworthy AI")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def test_signature_uploaded_through_one_node_is_shown_by_the_other(stack: Stack, page: Page, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A signatory signs with an uploaded image through node A; node B shows that image on the board."""
    stack.manage("shell", "-c", OPEN_SIGNING)
    image = tmp_path / "signature.png"
    image.write_bytes(png_bytes())
    _login(page, stack.a, "gyeonggi.signatory")
    page.goto(f"{stack.a}/d/{MANIFESTO_SLUG}/signing/party/gyeonggi/")
    page.check("input[name=method][value=uploaded]")
    page.set_input_files("input[name=image]", str(image))
    page.fill("#id_typed_name", PRINTED["gyeonggi"][0].upper())
    page.fill("#id_password", "accord-demo")
    page.check("#id_confirm")
    page.click("#sign-submit")
    expect(page.locator(".messages")).to_contain_text("You have signed")

    _login(page, stack.b, "secretariat")
    page.goto(f"{stack.b}/d/{MANIFESTO_SLUG}/signing/")
    thumb = page.locator("#party-gyeonggi img.sig-thumb")
    expect(thumb).to_be_visible()
    src = thumb.get_attribute("src")
    assert src
    response = page.request.get(src if src.startswith("http") else f"{stack.b}{src}")
    assert response.status == 200 and response.headers["content-type"].startswith("image/")
    assert len(response.body()) > 200
