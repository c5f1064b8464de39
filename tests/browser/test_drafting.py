"""Journeys: the secretariat edits clauses in place, meets a conflict, publishes and compares versions."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from declarations.demo import MANIFESTO_SLUG
from declarations.models import Clause, ClauseText, DeclarationVersion
from declarations.services import clause_text_update

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KEY = "recommendation-5"
KO_REPEAT = "AI 윤리에 관한 의미 있는 논의에 참여하고, "
SCREENSHOTS = None  # set to a directory path to look at the pages while developing


def _shot(page: Page, name: str, selector: str = "") -> None:
    if SCREENSHOTS:
        if selector:
            page.locator(selector).screenshot(path=f"{SCREENSHOTS}/{name}.png")
        else:
            page.screenshot(path=f"{SCREENSHOTS}/{name}.png", full_page=True)


def _open(page: Page, base: str, lang: str = "en") -> None:
    page.goto(f"{base}/d/{MANIFESTO_SLUG}/?lang={lang}")
    # A marker that a full page load would wipe: proves the edit happens in place.
    page.evaluate("window.__noReload = true")


def _edit(page: Page, language_label: str, change: Any, reason: str) -> None:
    clause = page.locator(f"#clause-{KEY}")
    clause.get_by_role("link", name=f"Edit {language_label}").click()
    textarea = page.locator(f"#clause-{KEY} textarea")
    expect(textarea).to_be_visible()
    textarea.fill(change(textarea.input_value()))
    page.locator(f"#clause-{KEY} input[name=reason]").fill(reason)
    page.locator(f"#clause-{KEY}").get_by_role("button", name="Save").click()
    expect(page.locator(f"#clause-{KEY} textarea")).to_have_count(0)


def test_secretariat_fixes_two_errors_publishes_and_redline_shows_exactly_them(login: Any, demo_live: Any) -> None:
    """Fix "campaignsto" and the Korean repetition in place, publish "Revised draft", compare with version 1."""
    page = login("secretariat")
    _open(page, demo_live.url, "en")
    _edit(page, "English", lambda t: t.replace("campaignsto", "campaigns to"), "Missing space")
    expect(page.locator(f"#clause-{KEY} .clause-text")).to_contain_text("campaigns to enhance")
    assert page.evaluate("window.__noReload") is True

    # Only the English changed: the Korean is flagged for translation review.
    _open(page, demo_live.url, "ko")
    expect(page.locator(f"#clause-{KEY} .drift")).to_have_text("Translation needs update")
    _shot(page, "drift", f"#clause-{KEY}")
    _edit(page, "한국어", lambda t: t.replace(KO_REPEAT, "", 1), "Repeated phrase")
    expect(page.locator(f"#clause-{KEY} .drift")).to_have_count(0)
    assert page.evaluate("window.__noReload") is True
    ko = ClauseText.objects.get(clause__key=KEY, language="ko").text
    assert ko.count("AI 윤리에 관한 의미 있는 논의에 참여하고") == 1

    page.get_by_role("link", name="Publish a version").click()
    page.fill("#id_label", "Revised draft")
    page.fill("#id_note", "Two drafting errors fixed.")
    _shot(page, "publish")
    page.get_by_role("button", name="Publish").click()
    expect(page.locator("h1")).to_have_text("Version 2: Revised draft")
    version = DeclarationVersion.objects.get(declaration__slug=MANIFESTO_SLUG, number=2)
    expect(page.locator(".hash")).to_have_text(version.content_hash)

    page.get_by_role("link", name="Changes from version 1", exact=True).click()
    expect(page.locator(".rl-clause")).to_have_count(1)
    # Word level for English: the run-together word is replaced by the two words.
    expect(page.locator(f"#rl-{KEY} del")).to_have_text(["campaignsto"])
    expect(page.locator(f"#rl-{KEY} ins")).to_have_text(["campaigns to"])
    _shot(page, "compare-en")
    page.select_option("#id_lang", "ko")
    # Character level for Korean: one deletion of the repeated phrase (the engine may align it a
    # few characters earlier or later, "AI " being on both sides of it), nothing inserted.
    deleted = page.locator(f"#rl-{KEY} del")
    expect(deleted).to_have_count(1)
    expect(deleted).to_contain_text("윤리에 관한 의미 있는 논의에 참여하고,")
    assert len(deleted.inner_text()) == len(KO_REPEAT)
    expect(page.locator(".rl-clause")).to_have_count(1)
    expect(page.locator(f"#rl-{KEY} ins")).to_have_count(0)
    page.select_option("#id_view", "side")
    expect(page.locator(f"#rl-{KEY} .rl-old del")).to_have_count(1)
    expect(page.locator(f"#rl-{KEY} .rl-new del")).to_have_count(0)
    _shot(page, "compare-ko-side")


def test_secretariat_sees_conflict_and_loses_nothing(login: Any, demo_live: Any) -> None:
    """Another user saves while I edit: I get the conflict view with their change and my text, merge and save."""
    page = login("secretariat")
    _open(page, demo_live.url, "en")
    page.locator(f"#clause-{KEY}").get_by_role("link", name="Edit English").click()
    textarea = page.locator(f"#clause-{KEY} textarea")
    mine = textarea.input_value().replace("campaignsto", "campaigns to")
    textarea.fill(mine)

    other = get_user_model().objects.get(username="secretariat")
    clause = Clause.objects.get(key=KEY)
    theirs = ClauseText.objects.get(clause=clause, language="en").text.replace("programs", "programmes", 1)
    clause_text_update(clause=clause, language="en", text=theirs, base_revision=1, by=other, reason="British spelling")

    page.locator(f"#clause-{KEY}").get_by_role("button", name="Save").click()
    conflict = page.locator(f"#clause-{KEY} .conflict")
    expect(conflict).to_contain_text("Someone else saved this text")
    expect(conflict.locator(".theirs ins")).to_have_text(["programmes"])
    expect(page.locator(f"#clause-{KEY} textarea")).to_have_value(mine)
    _shot(page, "conflict", f"#clause-{KEY}")
    page.locator(f"#clause-{KEY} textarea").fill(mine.replace("programs", "programmes", 1))
    page.locator(f"#clause-{KEY}").get_by_role("button", name="Save my merged text").click()
    expect(page.locator(f"#clause-{KEY} .clause-text")).to_contain_text("educational programmes")
    expect(page.locator(f"#clause-{KEY} .clause-text")).to_contain_text("campaigns to enhance")
    assert page.evaluate("window.__noReload") is True
    assert ClauseText.objects.get(clause=clause, language="en").revision == 3


def test_secretariat_moves_and_confirms_next_to_the_clause(login: Any, demo_live: Any) -> None:
    """The page arrives compressed; the clause's own tools move a clause or confirm a flagged
    translation in place, without a reload."""
    page = login("secretariat")
    response = page.goto(f"{demo_live.url}/d/{MANIFESTO_SLUG}/?lang=en")
    assert response is not None and response.headers.get("content-encoding") == "gzip"
    page.evaluate("window.__noReload = true")
    first, second = (
        Clause.objects.filter(section__key=Clause.objects.get(key=KEY).section.key, deleted_at=None)
        .order_by("position")
        .values_list("key", flat=True)[:2]
    )
    number = page.locator(f"#clause-{first} .para-no").inner_text()
    page.locator(f"#clause-{first}").get_by_role("button", name="Move down").click()
    expect(page.locator(f"#clause-{second} .para-no")).to_have_text(number)
    assert page.evaluate("window.__noReload") is True
    assert list(Clause.objects.filter(key__in=[first, second]).order_by("position").values_list("key", flat=True)) == [
        second,
        first,
    ]

    # A text flagged for review is confirmed next to the clause, in place.
    english = ClauseText.objects.get(clause__key=KEY, language="en")
    clause_text_update(
        clause=english.clause,
        language="en",
        text=english.text + " (checked)",
        base_revision=english.revision,
        by=get_user_model().objects.get(username="secretariat"),
    )
    page.goto(f"{demo_live.url}/d/{MANIFESTO_SLUG}/?lang=ko")
    page.evaluate("window.__noReload = true")
    expect(page.locator(f"#clause-{KEY} .drift")).to_have_text("Translation needs update")
    page.locator(f"#clause-{KEY}").get_by_role("button", name="Confirm the 한국어 translation").click()
    expect(page.locator(f"#clause-{KEY} .drift")).to_have_count(0)
    assert page.evaluate("window.__noReload") is True
    assert not ClauseText.objects.get(clause__key=KEY, language="ko").needs_review
