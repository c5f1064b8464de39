"""Journey: a reviewer comments on a passage selected with the mouse and suggests a change in place on a
passage selected with the keyboard; the secretariat edits the clause and the passage follows, then is shown
detached when it is deleted."""

from __future__ import annotations

import datetime
import os
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import Page, expect

from consultations.models import Comment
from consultations.services import round_open
from declarations.demo import DEMO_PARTIES, MANIFESTO_SLUG
from declarations.models import Declaration
from signatories.models import Party
from tests.browser.test_keyboard import select_with_keys, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("ACCORD_SHOTS")  # a directory, to look at the pages while developing


def _shot(page: Page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/passage-{name}.png", full_page=True)


def _open_round() -> None:
    declaration = Declaration.objects.get(slug=MANIFESTO_SLUG)
    round_open(
        declaration=declaration,
        version=declaration.versions.get(number=1),
        deadline=timezone.now() + datetime.timedelta(days=14),
        visibility="immediate",
        parties=list(Party.objects.filter(key__in=DEMO_PARTIES)),
        by=get_user_model().objects.get(username="secretariat"),
    )


def _drag_over(page: Page, words: str) -> None:
    """Select `words` in the clause text with the mouse: press before the first letter, release after the last."""
    box = page.evaluate(
        """(words) => {
            const source = document.querySelector("[data-passage-source]");
            const walker = document.createTreeWalker(source, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const at = node.data.indexOf(words);
                if (at < 0) continue;
                const range = document.createRange();
                range.setStart(node, at);
                range.setEnd(node, at + words.length);
                const rects = [...range.getClientRects()];
                const first = rects[0], last = rects[rects.length - 1];
                return {x1: first.left + 1, y1: first.top + first.height / 2,
                        x2: last.right - 1, y2: last.top + last.height / 2};
            }
            return null;
        }""",
        words,
    )
    assert box is not None, f"{words!r} is not in the clause text"
    page.mouse.move(box["x1"], box["y1"])
    page.mouse.down()
    page.mouse.move((box["x1"] + box["x2"]) / 2, (box["y1"] + box["y2"]) / 2, steps=4)
    page.mouse.move(box["x2"], box["y2"], steps=4)
    page.mouse.up()


def _select_by_keyboard(page: Page, words: str) -> None:
    """Tab to the clause text, then the arrows to `words` and Shift with them over it (no script sets it)."""
    tab_to(page, "[data-passage-source]")
    select_with_keys(page, words)


def _edit_clause(page: Page, base: str, change: Any) -> None:
    """The secretariat edits the English text of the vision clause in place on the declaration page."""
    page.goto(f"{base}/d/{MANIFESTO_SLUG}/?lang=en")
    page.locator("#clause-vision").get_by_role("link", name="Edit English").click()
    box = page.locator("#clause-vision textarea")
    expect(box).to_be_visible()
    box.fill(change(box.input_value()))
    page.locator("#clause-vision input[name=reason]").fill("Drafting")
    page.locator("#clause-vision").get_by_role("button", name="Save").click()
    expect(page.locator("#clause-vision textarea")).to_have_count(0)


def test_comment_on_a_selected_passage_follows_edits_and_detaches(login: Any, demo_live: Any) -> None:
    """Select, comment, see the quote highlighted; suggest in place; edits move the highlight, deletion detaches."""
    base = demo_live.url
    _open_round()
    page = login("gyeonggi.reviewer")
    page.goto(f"{base}/d/{MANIFESTO_SLUG}/rounds/1/")
    page.get_by_role("link", name="Comment on a passage, clause by clause").click()
    page.select_option("#clause-pick", "vision")
    page.get_by_role("button", name="Go", exact=True).click()
    expect(page.locator("h1")).to_have_text("Paragraph 2")

    # The button appears only once words are selected; pressing it puts the quote in the comment form.
    button = page.get_by_role("button", name="Comment on this passage")
    expect(button).to_be_hidden()
    _drag_over(page, "relational thinking")
    expect(button).to_be_visible()
    button.click()
    expect(page.locator("#passage-form [data-passage-quote]")).to_have_text("relational thinking")
    expect(page.locator("#passage-form textarea[name=text]")).to_be_focused()
    page.keyboard.type("Which relations? Name them.")
    _shot(page, "1-selected")
    page.locator("#passage-form").get_by_role("button", name="Save draft").click()
    expect(page.locator(".messages")).to_contain_text("Your draft is saved")
    comment = Comment.objects.get(text="Which relations? Name them.")
    mark = page.locator(f"mark.passage[data-comments='{comment.pk}']")
    expect(mark).to_have_text("relational thinking")
    expect(page.locator(f"#comment-{comment.pk} .passage-ref q")).to_have_text("relational thinking")
    _shot(page, "2-highlighted")

    # Suggestion mode with a passage selected from the keyboard: the box opens with the passage selected,
    # and typing replaces exactly that passage.
    _select_by_keyboard(page, "personhood")
    expect(button).to_be_visible()
    page.get_by_role("button", name="Suggest a change").click()
    expect(page.locator("[data-passage-source]")).to_be_hidden()
    box = page.locator("#suggest-form textarea[name=proposed_text]")
    expect(box).to_be_focused()
    assert box.evaluate("b => b.value.slice(b.selectionStart, b.selectionEnd)") == "personhood"
    page.keyboard.type("human dignity and personhood")
    page.locator("#suggest-form textarea[name=text]").fill("Dignity first.")
    _shot(page, "3-suggesting")
    page.get_by_role("button", name="Save the suggestion as a draft").click()
    expect(page.locator(".messages")).to_contain_text("Your draft is saved")
    suggestion = Comment.objects.get(text="Dignity first.")
    assert suggestion.is_proposal and suggestion.anchor_quote == "personhood"
    card = page.locator(f"#comment-{suggestion.pk}")
    expect(card.locator(".redline ins")).to_have_text("human dignity and")
    expect(card.locator(".redline del")).to_have_count(0)
    expect(page.locator(f"mark.passage[data-comments='{suggestion.pk}']")).to_have_text("personhood")
    _shot(page, "4-suggestion")

    # The secretariat adds a sentence before the passage: the highlight follows the words.
    login("secretariat")
    _edit_clause(page, base, lambda t: "Trust is built together. " + t)
    login("gyeonggi.reviewer")
    page.goto(f"{base}/d/{MANIFESTO_SLUG}/rounds/1/clauses/vision/?lang=en")
    expect(page.locator("[data-passage-source]")).to_contain_text("Trust is built together.")
    expect(mark).to_have_text("relational thinking")

    # Then the passage itself is deleted: the comment shows its quote, detached.
    login("secretariat")
    _edit_clause(
        page, base, lambda t: t.replace("shift from rational to relational thinking about", "shift in how we see")
    )
    login("gyeonggi.reviewer")
    page.goto(f"{base}/d/{MANIFESTO_SLUG}/rounds/1/clauses/vision/?lang=en")
    expect(mark).to_have_count(0)
    expect(page.locator(f"#comment-{comment.pk} [data-passage-status=detached]")).to_have_text(
        "Detached: the passage “relational thinking” is no longer in the text."
    )
    # The suggestion's passage, untouched, is still marked.
    expect(page.locator(f"mark.passage[data-comments='{suggestion.pk}']")).to_have_text("personhood")
    _shot(page, "5-detached")
