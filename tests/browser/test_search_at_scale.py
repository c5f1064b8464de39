"""Search at UN scale in Chromium (issue 23, part 3): 193 parties, 6 languages, 400 clauses, 10,000 comments.

The secretariat searches a common word, reads highlighted hits page by page, narrows them by party,
status, type and paragraph, and finds a Chinese term inside unspaced text; a party's focal point
finds fewer comments than the secretariat (never another party's drafts). How long each search
takes in the browser is printed, not asserted (budgets are benchmarks/run's).
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from benchmarks import scale_data
from benchmarks.scale_base import secretariat_username
from consultations.search import MAX_HITS

PASSWORD = "un-scale-search-1"
SLUG = scale_data.SLUG
SHOTS = Path(__file__).resolve().parents[2] / "var" / "artefacts" / "screenshots" / "search"


@pytest.fixture
def un_scale(transactional_db: Any, live_server: Any) -> Any:
    scale_data.build(scale_data.FULL, slug=SLUG)
    users = get_user_model().objects.filter(username__in=[secretariat_username(SLUG), _focal()])
    for user in users:
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    assert users.count() == 2
    return live_server


def _focal() -> str:
    return f"{SLUG[:40]}-state-001.focal"


def _login(page: Page, server: Any, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{server.url}/")


def _search(page: Page, server: Any, query: str) -> tuple[int, float]:
    """Search from the form; the number of results and the seconds the page took."""
    page.goto(f"{server.url}/d/{SLUG}/search/")
    page.fill("#id_q", query)
    started = time.perf_counter()
    page.click("form.search-form button[type=submit]")
    page.wait_for_selector("#results-h")
    took = time.perf_counter() - started
    return _count(page), took


def _count(page: Page) -> int:
    heading = page.inner_text("#results-h")
    match = re.search(r"[\d,]+", heading)
    assert match, heading
    return int(match.group(0).replace(",", ""))


def _marks_all_say(page: Page, word: str) -> None:
    marks = page.locator(".search-hit mark").all_inner_texts()
    assert marks, "no highlighted match"
    assert {m.lower() for m in marks} == {word.lower()}


@pytest.mark.django_db(transaction=True)
def test_search_at_un_scale(un_scale: Any, page: Page) -> None:
    timings: dict[str, float] = {}
    page.set_viewport_size({"width": 1280, "height": 900})
    _login(page, un_scale, secretariat_username(SLUG))

    # A common English word: clause texts and comments, 25 hits a page, every match highlighted.
    # Thousands of hits: counted up to MAX_HITS, and the page says there are more (decision 107).
    total, timings["'the', secretariat"] = _search(page, un_scale, "the")
    assert total == MAX_HITS
    expect(page.locator("#results-h")).to_have_text(f"More than {MAX_HITS:,} results")
    expect(page.locator("#results-h + p")).to_contain_text("Narrow the search")
    expect(page.locator(".search-hit")).to_have_count(25)
    _marks_all_say(page, "the")
    expect(page.locator("nav.pager")).to_contain_text(f"Page 1 of {(total + 24) // 25}")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "un-scale-the-1280.png"))
    page.click("nav.pager >> text=Next")
    expect(page.locator("nav.pager")).to_contain_text("Page 2 of")
    _marks_all_say(page, "the")

    # Narrowed to one party's submitted general comments: every hit says so.
    page.goto(f"{un_scale.url}/d/{SLUG}/search/?q=the")
    party_label = page.locator("#id_party option").nth(3).inner_text()
    page.select_option("#id_party", index=3)
    page.select_option("#id_status", "submitted")
    started = time.perf_counter()
    page.click("form.search-form button[type=submit]")
    page.wait_for_selector("#results-h")
    timings["'the', one party, submitted"] = time.perf_counter() - started
    narrowed = _count(page)
    assert 0 < narrowed < total
    for line in page.locator(".search-hit p.muted").all_inner_texts()[:25]:
        assert f"by {party_label}" in line and "Submitted" in line

    # Narrowed to one paragraph: every hit cites it.
    page.goto(f"{un_scale.url}/d/{SLUG}/search/?q=the")
    paragraph = page.locator("#id_clause option").nth(5).inner_text()
    page.select_option("#id_clause", index=5)
    page.click("form.search-form button[type=submit]")
    page.wait_for_selector("#results-h")
    assert 0 < _count(page) < total
    for line in page.locator(".search-hit p.muted").all_inner_texts():
        assert paragraph.split()[-1] in line

    # A Chinese term inside unspaced text, found in the Chinese texts and highlighted there.
    found, timings["'人权' (Chinese)"] = _search(page, un_scale, "人权")
    assert found > 0
    _marks_all_say(page, "人权")
    assert set(page.locator(".search-text").evaluate_all("els => els.map(e => e.lang)")) == {"zh"}

    # At 390 px the results read without sideways scrolling.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{un_scale.url}/d/{SLUG}/search/?q=the")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(SHOTS / "un-scale-the-390.png"))

    # A party's focal point: the same word finds no more comments than the secretariat's search.
    _login(page, un_scale, _focal())
    party_total, timings["'the', a party's focal point"] = _search(page, un_scale, "the")
    assert 0 < party_total <= total

    print("\nsearch at UN scale, in Chromium against the live server:")
    for name, seconds in timings.items():
        print(f"  {name}: {seconds * 1000:.0f} ms")
