"""Browser journeys: real Chromium through Playwright against pytest-django's live server."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page

from declarations.demo import seed_demo

DEMO_PASSWORD = "accord-demo"


@pytest.fixture
def demo_live(transactional_db: Any, live_server: Any) -> Any:
    """The demo data in a database the live server can see."""
    seed_demo(create_users=True)
    return live_server


@pytest.fixture
def login(page: Page, demo_live: Any) -> Callable[[str], Page]:
    """login('gyeonggi.reviewer') → the page, logged in, on the dashboard."""

    def do_login(username: str) -> Page:
        page.context.clear_cookies()
        page.goto(f"{demo_live.url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", DEMO_PASSWORD)
        page.click("button[type=submit].primary")
        page.wait_for_url(f"{demo_live.url}/")
        return page

    return do_login
