"""Journey: the secretariat in Seoul opens signing on a version with an out-of-date Korean text, and a Korean reader is warned."""

from __future__ import annotations

import os
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from declarations.demo import MANIFESTO_SLUG
from declarations.models import ClauseText, Declaration
from declarations.services import clause_text_update, version_publish
from signatories.people import account_update
from signing.models import StaleTranslationConfirmation
from signing.tests.signing_helpers import designate, user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("ACCORD_SCREENSHOTS")  # a directory to keep screenshots in, when set
REASON = "The Korean delegation checked the wording on 12 September."


def _shot(page: Page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"stale-{name}.png"), full_page=True)


def _stale_version() -> str:
    declaration = Declaration.objects.get(slug=MANIFESTO_SLUG)
    item = ClauseText.objects.filter(clause__declaration=declaration, language="en").order_by(
        "clause__section__position", "clause__position"
    )[1]
    clause_text_update(
        clause=item.clause,
        language="en",
        text=item.text + " Amended.",
        base_revision=item.revision,
        by=user("secretariat"),
    )
    version_publish(declaration=declaration, label="Final", by=user("secretariat"))
    return item.clause.key


def test_opening_on_a_stale_korean_text_is_confirmed_and_korean_readers_are_warned(login: Any, demo_live: Any) -> None:
    """The open form lists the stale text; with a reason signing opens; the Korean sign page warns; times say KST."""
    _stale_version()
    secretariat = user("secretariat")
    account_update(user=secretariat, language="en", time_zone="Asia/Seoul", by=secretariat)
    page = login("secretariat")
    page.goto(f"{demo_live.url}/d/{MANIFESTO_SLUG}/signing/open/")
    expect(page.locator("fieldset.stale-translations")).to_contain_text("¶2")
    expect(page.get_by_text("Deadline (Asia/Seoul)")).to_be_visible()
    page.fill("input[name=deadline]", "2035-03-14T18:00")
    page.click("button[type=submit].primary")
    expect(page.locator(".errorlist")).to_contain_text("Translations in this version were flagged out of date")
    page.check("input[name=stale_confirmed]")
    page.fill("textarea[name=stale_reason]", REASON)
    _shot(page, "open-form")
    page.click("button[type=submit].primary")
    expect(page.locator(".stale-note")).to_contain_text(REASON)
    expect(page.locator(".signing-meta")).to_contain_text("2035-03-14 18:00 KST")
    _shot(page, "board")
    assert StaleTranslationConfirmation.objects.get().reason == REASON

    designate(Declaration.objects.get(slug=MANIFESTO_SLUG).signing, "gyeonggi")
    page = login("gyeonggi.signatory")
    page.goto(f"{demo_live.url}/d/{MANIFESTO_SLUG}/signing/party/gyeonggi/?lang=ko")
    expect(page.locator(".stale-warning")).to_contain_text(REASON)
    expect(page.locator(".signing-meta")).to_contain_text("2035-03-14 09:00 UTC")
    _shot(page, "sign-page-ko")
    page.goto(f"{demo_live.url}/d/{MANIFESTO_SLUG}/signing/party/gyeonggi/?lang=en")
    expect(page.locator(".stale-warning")).to_have_count(0)
