"""Journey: a reviewer logs in and reads the manifesto in English and Korean."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reviewer_reads_manifesto_and_switches_to_korean(login) -> None:  # type: ignore[no-untyped-def]
    """gyeonggi.reviewer opens the manifesto, switches to Korean and sees the Korean title."""
    page = login("gyeonggi.reviewer")
    page.click("text=A manifesto for advancing trustworthy AI")
    expect(page.locator("h1")).to_have_text("A manifesto for advancing trustworthy AI")
    page.click("nav.lang-tabs >> text=한국어")
    expect(page.locator("h1")).to_have_text("신뢰할 수 있는 AI 발전을 위한 선언문")
    page.click("nav.lang-tabs >> text=English | 한국어")
    expect(page.locator(".clause-text[lang=ko]").first).to_be_visible()
    expect(page.locator(".clause-text[lang=en]").first).to_be_visible()
