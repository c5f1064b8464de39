"""Web fonts: the first visit of a page in Korean or English downloads at most 500 KB of fonts, as WOFF2."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, Response

from declarations.demo import MANIFESTO_SLUG

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BUDGET = 500 * 1024


def _font_bytes(page: Page, url: str) -> tuple[int, list[str]]:
    """Bytes of every font the page at *url* fetches on a first visit (empty browser cache)."""
    fonts: list[Response] = []

    def keep(response: Response) -> None:
        if response.request.resource_type == "font":
            fonts.append(response)

    page.on("response", keep)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.evaluate("document.fonts.ready.then(() => true)")
    page.remove_listener("response", keep)
    return sum(len(r.body()) for r in fonts), [r.url for r in fonts]


def _korean(page: Page, base: str) -> None:
    page.context.add_cookies([{"name": "django_language", "value": "ko", "url": base}])


@pytest.mark.parametrize("language", ["en", "ko"])
def test_first_visit_fonts_stay_within_budget(
    login: Callable[[str], Page], demo_live: Any, page: Page, language: str
) -> None:
    """Login page and the manifesto (English and Korean text side by side) in each interface language:
    fonts are WOFF2 slices of Hangul and add up to at most 500 KB per page."""
    if language == "ko":
        _korean(page, demo_live.url)
    size, urls = _font_bytes(page, f"{demo_live.url}/accounts/login/")
    assert size <= BUDGET, (size, urls)
    assert all(url.endswith(".woff2") for url in urls), urls

    login("catalonia.reviewer")
    if language == "ko":
        _korean(page, demo_live.url)
    # A fresh context has an empty cache: what a first visit of this page costs.
    context = page.context.browser.new_context() if page.context.browser else None
    assert context is not None
    context.add_cookies(
        [{"name": c["name"], "value": c["value"], "url": demo_live.url} for c in page.context.cookies()]
    )
    fresh = context.new_page()
    size, urls = _font_bytes(fresh, f"{demo_live.url}/d/{MANIFESTO_SLUG}/?lang=ko&with=en")
    context.close()
    print(f"fonts, manifesto en+ko, interface {language}: {size // 1024} KB {urls}")
    assert size <= BUDGET, (size, urls)
    if language == "ko":
        # Korean text does fetch the Hangul face (the budget is not met by showing none).
        assert any("hangul-400-common" in url for url in urls), urls


def test_english_text_fetches_no_latin_font(demo_live: Any, page: Page) -> None:
    """Latin text is drawn in the system face: an English page fetches only the Hangul slice its
    language switch ("한국어") needs, never a TrueType file."""
    size, urls = _font_bytes(page, f"{demo_live.url}/verify/")
    assert not any(url.endswith(".ttf") for url in urls), urls
    assert size <= 200 * 1024, (size, urls)
