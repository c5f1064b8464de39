"""Keyboard-only journeys: edit a clause, comment on a clause or on a passage selected with Shift and the
arrows, sign with a typed name (WCAG 2.1.1, 2.4.3, 3.3.1).

No mouse and no clicks: Tab, Shift+Tab, arrows, Space, Enter and Escape. After every step the test
asks the browser where the focus is (`document.activeElement`): into an editor when one opens, back to
the button it was opened from when it closes, and to the error summary when a form comes back.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from consultations.models import Comment
from declarations.models import ClauseText
from signing.models import Signature
from tests.browser.a11y_world import PROPOSAL_KEY, World, build_world
from tests.browser.test_accessibility import SHOTS, TAGS, _describe, _violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOCUSED = "(selector) => document.activeElement && document.activeElement.matches(selector)"


def _focused(page: Page, selector: str) -> bool:
    return bool(page.evaluate(FOCUSED, selector))


def focus_lands_on(page: Page, selector: str) -> bool:
    """Whether the focus is on `selector` once the swap has settled (htmx focuses after settling)."""
    try:
        page.wait_for_function(f"() => ({FOCUSED})({selector!r})", timeout=3000)
    except PlaywrightTimeoutError:
        return False
    return True


def _shot(page: Page, name: str) -> None:
    """What the viewer sees at that moment (not the whole page): kept with the other screenshots."""
    (SHOTS / "keyboard").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "keyboard" / f"{name}.png"))


def tab_to(page: Page, selector: str, *, limit: int = 60, back: bool = False) -> int:
    """Press Tab (Shift+Tab with `back`) until the focus is on `selector`; how many presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        if _focused(page, selector):
            return presses
    active = page.evaluate("document.activeElement && document.activeElement.outerHTML.slice(0, 200)")
    raise AssertionError(f"{selector} not reached in {limit} presses; focus is on {active}")


# Where the selection's moving end is in the clause text, in characters: read, never set, by the tests.
CARET = """() => {
  const source = document.querySelector("[data-passage-source]");
  const selection = document.getSelection();
  if (!selection.rangeCount || !source.contains(selection.focusNode)) return -1;
  const range = document.createRange();
  range.setStart(source, 0);
  range.setEnd(selection.focusNode, selection.focusOffset);
  return range.toString().length;
}"""


def caret_at(page: Page) -> int:
    return int(page.evaluate(CARET))


def select_with_keys(page: Page, words: str) -> None:
    """With the focus in the clause text: Ctrl+Home, Ctrl+Right word by word and Right to the first letter
    of `words`, then Shift+Ctrl+Right (and Shift+Left back from an overshoot) to its last: as a person would."""
    text = page.locator("[data-passage-source]").text_content() or ""
    start = text.index(words)
    end = start + len(words)
    page.keyboard.press("Control+Home")
    assert caret_at(page) == 0

    def walk(to: int, far: str, near: str, back: str) -> None:
        for _press in range(400):
            at = caret_at(page)
            if at == to:
                return
            page.keyboard.press(far if at < to and to - at > 1 else (near if at < to else back))
        raise AssertionError(f"the caret never reached {to} (at {caret_at(page)})")

    walk(start, "Control+ArrowRight", "ArrowRight", "ArrowLeft")
    walk(end, "Shift+Control+ArrowRight", "Shift+ArrowRight", "Shift+ArrowLeft")
    assert page.evaluate("document.getSelection().toString()") == words


def _no_axe_violations(page: Page) -> None:
    found = _violations(page)
    assert not found, f"axe ({', '.join(TAGS)}) with the form open:\n{_describe(found)}"


@pytest.fixture
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    # axe is injected as a script element; the pages' CSP (nonces only) would refuse it.
    return {**browser_context_args, "bypass_csp": True}


@pytest.fixture
def world(demo_live: Any) -> World:
    return build_world()


def test_secretariat_edits_a_clause_with_the_keyboard_only(world: World, login, demo_live) -> None:  # type: ignore[no-untyped-def]
    """Opening the editor puts the cursor in its text box; Tab reaches reason and Save; focus comes back to Edit."""
    page = login("secretariat")
    # A link to the paragraph (as from the table of contents) moves the keyboard's starting point there.
    page.goto(f"{demo_live.url}/d/{world.declaration.slug}/?lang=en#clause-{PROPOSAL_KEY}")
    # The text arrives after the page (its own address); then the clause the link names is the starting point.
    expect(page.locator(f"#clause-{PROPOSAL_KEY}")).to_be_focused()
    edit = f"#clause-{PROPOSAL_KEY} .edit-link"
    assert tab_to(page, edit, limit=4) <= 4
    page.keyboard.press("Enter")
    textarea = f"#clause-{PROPOSAL_KEY} textarea.clause-textarea"
    expect(page.locator(textarea)).to_be_visible()
    assert focus_lands_on(page, textarea), "the editor opened but the text box does not have the focus"
    expect(page.locator(f"#clause-{PROPOSAL_KEY} label[for^='id_text_']")).to_contain_text("Paragraph 16 in English")
    _shot(page, "clause-editor-open")
    _no_axe_violations(page)

    # Escape closes the editor; the focus returns to the button that opened it.
    page.keyboard.press("Escape")
    expect(page.locator(textarea)).to_have_count(0)
    assert focus_lands_on(page, edit)

    page.keyboard.press("Enter")
    expect(page.locator(textarea)).to_be_visible()
    assert focus_lands_on(page, textarea)
    page.keyboard.press("Control+End")
    page.keyboard.type(" Done by keyboard.")
    assert tab_to(page, f"#clause-{PROPOSAL_KEY} input[name=reason]", limit=1) == 1
    page.keyboard.type("Keyboard check")
    assert tab_to(page, f"#clause-{PROPOSAL_KEY} button[type=submit]", limit=1) == 1
    page.keyboard.press("Enter")
    expect(page.locator(f"#clause-{PROPOSAL_KEY} .saved")).to_have_text("Saved.")
    expect(page.locator(f"#clause-{PROPOSAL_KEY} .clause-text").first).to_contain_text("Done by keyboard.")
    assert focus_lands_on(page, edit), "after saving, the focus is back on the Edit button"
    text = ClauseText.objects.get(clause__declaration=world.declaration, clause__key=PROPOSAL_KEY, language="en")
    assert text.text.endswith("Done by keyboard.")


def test_reviewer_comments_on_a_clause_with_the_keyboard_only(world: World, login, demo_live) -> None:  # type: ignore[no-untyped-def]
    """From the round page to a saved draft; a form sent incomplete comes back focused on its error summary."""
    page = login("catalonia.reviewer")
    page.goto(f"{demo_live.url}/d/{world.declaration.slug}/rounds/{world.round.number}/")
    tab_to(page, "a[href$='/comments/new/']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/comments/new/")

    # What the comment is about: the select lists paragraphs; ArrowDown moves to the next choice.
    tab_to(page, "select[name=target]")
    page.keyboard.press("ArrowDown")  # the first section
    page.keyboard.press("ArrowDown")  # its first clause: paragraph 1
    assert page.evaluate("document.activeElement.selectedOptions[0].textContent").startswith("¶ 1 —")
    tab_to(page, "select[name=kind]", limit=1)
    tab_to(page, "select[name=language]", limit=1)
    # Sent without a comment: the page comes back with the focus on the summary of what is missing.
    tab_to(page, "button[type=submit].primary", limit=3)
    page.keyboard.press("Enter")
    page.wait_for_load_state("load")
    expect(page.locator(".error-summary")).to_be_visible()
    assert focus_lands_on(page, ".error-summary[role=alert]")
    _shot(page, "comment-error-summary")
    _no_axe_violations(page)

    tab_to(page, "textarea[name=text]")
    page.keyboard.type("Paragraph 1 should name the regions as well as nations.")
    tab_to(page, "button[type=submit].primary", limit=1)
    page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text("Your draft is saved")
    comment = Comment.objects.get(party__key="catalonia", clause__isnull=False)
    assert (comment.clause.key, comment.status) == ("diagnosis", Comment.Status.DRAFT)  # type: ignore[union-attr]


def test_signatory_signs_with_a_typed_name_using_the_keyboard_only(world: World, login, demo_live) -> None:  # type: ignore[no-untyped-def]
    """Typed signature chosen with the arrow keys; a wrong password brings the focus to the error summary."""
    page = login("gyeonggi.signatory")
    page.goto(f"{demo_live.url}/d/{world.declaration.slug}/signing/party/gyeonggi/")

    def fill_form(password: str) -> None:
        tab_to(page, "input[name=method][value=drawn]")
        page.keyboard.press("ArrowDown")  # radios move with the arrows: "Sign with my typed name"
        assert _focused(page, "input[name=method][value=typed]:checked")
        expect(page.locator("[data-method-panel=typed]")).to_be_visible()
        expect(page.locator("#signature-pad")).to_be_hidden()
        tab_to(page, "#id_typed_name")
        page.keyboard.press("Control+A")
        page.keyboard.type("Kim Min-ji")
        tab_to(page, "#id_password", limit=1)
        page.keyboard.type(password)
        tab_to(page, "#id_confirm", limit=1)
        if not page.is_checked("#id_confirm"):
            page.keyboard.press("Space")
        tab_to(page, "#sign-submit", limit=1)
        page.keyboard.press("Enter")
        page.wait_for_load_state("load")

    fill_form("not my password")
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("The password is not correct.")
    assert focus_lands_on(page, ".error-summary[role=alert]"), "the error summary has the focus after a failed attempt"
    assert page.evaluate("document.activeElement.getBoundingClientRect().top") < 900, "and it is on screen"
    _shot(page, "sign-error-summary")
    assert not Signature.objects.filter(party__key="gyeonggi").exists()
    _no_axe_violations(page)

    # The summary's link leads to the field in error.
    tab_to(page, ".error-summary a[href='#id_password']", limit=3)
    page.keyboard.press("Enter")
    assert _focused(page, "#id_password")

    page.goto(f"{demo_live.url}/d/{world.declaration.slug}/signing/party/gyeonggi/")
    fill_form("accord-demo")
    expect(page.locator("#party-gyeonggi .method")).to_have_text("Typed name")
    page.locator("#party-gyeonggi").scroll_into_view_if_needed()
    _shot(page, "board-typed-signature")
    signature = Signature.objects.get(party__key="gyeonggi")
    assert signature.method == Signature.Method.TYPED and signature.image.size > 1000


def test_reviewer_comments_on_a_passage_selected_with_the_keyboard(world: World, login, demo_live) -> None:  # type: ignore[no-untyped-def]
    """Tab to the clause text, move the caret and select with Shift; Tab to "Comment on this passage"; the comment quotes it."""
    page = login("catalonia.reviewer")
    page.goto(f"{demo_live.url}/d/{world.declaration.slug}/rounds/{world.round.number}/clauses/vision/?lang=en")
    source = "[data-passage-source]"
    tab_to(page, source)
    # A read-only text box named by its heading and told how to select; the caret is drawn at its start.
    text_box = page.get_by_role("textbox", name="Clause text (English)")
    expect(text_box).to_be_focused()
    expect(text_box).to_have_attribute("aria-readonly", "true")
    expect(page.locator("[data-passage-caret]")).to_be_visible()
    _shot(page, "passage-caret")
    _no_axe_violations(page)

    select_with_keys(page, "personhood")
    button = page.get_by_role("button", name="Comment on this passage")
    expect(button).to_be_visible()
    expect(page.locator("[data-passage-preview]")).to_have_text("personhood")
    expect(page.locator("[data-passage-status]")).to_have_text("Selected for your comment: personhood")
    _shot(page, "passage-selected-by-keyboard")

    # The selection stays inside the clause: Shift+Ctrl+End stops at its last character, not in the page after it.
    page.keyboard.press("Shift+Control+End")
    text = page.locator(source).text_content() or ""
    assert page.evaluate("document.getSelection().toString()") == text[text.index("personhood") :]
    page.keyboard.press("Shift+Control+ArrowRight")
    assert caret_at(page) == len(text)
    # A caret moved without Shift withdraws the offer; selecting again brings it back.
    page.keyboard.press("ArrowLeft")
    expect(button).to_be_hidden()
    select_with_keys(page, "personhood")
    expect(button).to_be_visible()  # offered again once the selection settles (passages.js)
    assert tab_to(page, "[data-passage-comment]", limit=1) == 1
    page.keyboard.press("Enter")
    expect(page.locator("#passage-form [data-passage-quote]")).to_have_text("personhood")
    assert focus_lands_on(page, "#passage-form textarea[name=text]")
    page.keyboard.type("Personhood of whom? Say people.")
    tab_to(page, "#passage-form button[type=submit]", limit=1)
    page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text("Your draft is saved")
    comment = Comment.objects.get(text="Personhood of whom? Say people.")
    assert comment.anchor_quote == "personhood" and comment.clause.key == "vision"  # type: ignore[union-attr]
    vision = ClauseText.objects.get(clause__declaration=world.declaration, clause__key="vision", language="en").text
    assert vision[comment.anchor_start : comment.anchor_end] == "personhood"
    expect(page.locator(f"mark.passage[data-comments='{comment.pk}']")).to_have_text("personhood")
