"""The compare page's redline is cached by what it shows (declarations/version_views.compare_text)."""

from __future__ import annotations

import gzip
import re
from typing import Any

import pytest
from django.core.cache import caches
from django.test import Client

from declarations.services import version_publish
from declarations.tests.reading import read_declaration, text_url
from declarations.tests.test_compare import COMPARE, _fix, _secretariat

# The masked CSRF token differs on every request; everything else on the page must not.
_TOKEN = re.compile(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+')


def _page(client: Client, **params: Any) -> str:
    return _TOKEN.sub(r"\1-", read_declaration(client, COMPARE, params).content.decode())


def _content(page: str) -> str:
    return page.split('<p class="eyebrow">', 1)[1].split("</article>", 1)[0]


def _clear() -> None:
    caches["default"].clear()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {"from": 1, "to": 2, "lang": "en"},
        {"from": 1, "to": 2, "lang": "ko", "view": "side", "all": "1"},
        {"from": 1, "to": "draft", "lang": "en"},
    ],
)
def test_cached_page_equals_uncached_page(user_client: Any, demo: Any, params: dict[str, Any]) -> None:
    """A page from the cache (plain or gzip) is the page rendered without it."""
    _fix("en", "campaignsto", "campaigns to")
    version_publish(declaration=demo, label="Revised draft", by=_secretariat())
    client = user_client("catalonia.reviewer")
    _clear()
    uncached = _page(client, **params)
    cached = _page(client, **params)
    assert cached == uncached
    zipped = client.get(text_url(client.get(COMPARE, params)), HTTP_ACCEPT_ENCODING="gzip")
    assert zipped["Content-Encoding"] == "gzip"
    assert _TOKEN.sub(r"\1-", gzip.decompress(zipped.content).decode()) == uncached
    # Another reader with another role gets the same redline (it does not depend on the role).
    assert _content(_page(user_client("secretariat"), **params)) == _content(uncached)


@pytest.mark.django_db
def test_other_options_give_other_pages(user_client: Any, demo: Any) -> None:
    """Language, view, unchanged clauses, versions and interface language each have their own page."""
    _fix("en", "campaignsto", "campaigns to")
    version_publish(declaration=demo, label="Revised draft", by=_secretariat())
    client = user_client("catalonia.reviewer")
    base = {"from": 1, "to": 2, "lang": "en"}
    pages = [
        _page(client, **base),
        _page(client, **{**base, "lang": "ko"}),
        _page(client, **{**base, "view": "side"}),
        _page(client, **{**base, "all": "1"}),
        _page(client, **{**base, "from": 2, "to": 1}),
        _page(client, **{**base, "to": "draft"}),
    ]
    assert len(set(pages)) == len(pages)
    assert _page(client, **base) == pages[0]
    client.cookies["django_language"] = "ko"
    assert _page(client, **base) != pages[0]


@pytest.mark.django_db
def test_draft_comparison_sees_edits_at_once(user_client: Any) -> None:
    """Comparing with the draft shows an edit on the very next request, though the page is cached."""
    client = user_client("secretariat")
    params = {"from": 1, "to": "draft", "lang": "en"}
    assert "The two texts are identical." in _page(client, **params)
    assert "The two texts are identical." in _page(client, **params)  # from the cache
    _fix("en", "campaignsto", "campaigns to")
    after = _page(client, **params)
    assert "The two texts are identical." not in after
    assert '<ins class="rl-ins">campaigns to</ins>' in after or "campaigns to" in after
