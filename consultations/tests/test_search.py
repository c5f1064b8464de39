"""Search within a declaration: clause texts in every language, comments as the round rules allow."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from consultations.models import Comment
from consultations.search import highlight, terms
from declarations.models import Declaration

pytestmark = pytest.mark.django_db


def _search(user_client: Any, username: str, demo: Declaration, **params: str) -> str:
    response = user_client(username).get(reverse("consultations:search", args=[demo.slug]), params)
    assert response.status_code == 200
    return response.content.decode()


def test_finds_clause_text_in_english_and_korean(demo: Declaration, user_client: Any) -> None:
    """A word is found in the English text and a Korean word in the Korean text, highlighted."""
    page = _search(user_client, "observer", demo, q="relational")
    assert "<mark>relational</mark>" in page and "#clause-vision" in page
    page = _search(user_client, "observer", demo, q="민주주의")
    assert "<mark>민주주의</mark>" in page and 'lang="ko"' in page


def test_a_party_never_finds_another_partys_drafts(
    demo: Declaration, user_client: Any, draft: Callable[..., Comment], submitted: Callable[..., Comment]
) -> None:
    """Catalonia's draft is found by Catalonia only; Gyeonggi's submitted comment by every participant."""
    submitted("gyeonggi", text="Please mention zebra crossings.")
    draft("catalonia", text="Our zebra idea, not yet sent.")
    own = _search(user_client, "catalonia.reviewer", demo, q="zebra")
    assert "Our <mark>zebra</mark> idea" in own and "mention <mark>zebra</mark> crossings" in own
    for username in ("gyeonggi.focal", "secretariat"):
        page = _search(user_client, username, demo, q="zebra")
        assert "mention <mark>zebra</mark> crossings" in page
        assert "idea" not in page
    assert "crossings" not in _search(user_client, "observer", demo, q="zebra")  # observers read the text only


def test_filters_by_party_status_type_and_clause(
    demo: Declaration, user_client: Any, submitted: Callable[..., Comment], clause: Callable[[str], Any]
) -> None:
    """Comment filters narrow the comments and leave out clause texts; the clause filter narrows both."""
    submitted("gyeonggi", text="Justice first.", kind=Comment.Kind.EDITORIAL, clause=clause("vision"))
    submitted("catalonia", text="Justice for all.")
    page = _search(user_client, "secretariat", demo, q="justice", party="catalonia")
    assert "for all" in page and "first" not in page and "#clause-" not in page
    page = _search(user_client, "secretariat", demo, q="justice", kind=Comment.Kind.EDITORIAL)
    assert "first" in page and "for all" not in page
    assert "<mark>Justice</mark>" not in _search(user_client, "secretariat", demo, q="justice", status="draft")
    page = _search(user_client, "secretariat", demo, q="justice", clause="vision")
    assert "first" in page and "for all" not in page and "#clause-vision" in page


def test_highlighting_escapes_the_text_and_the_query() -> None:
    """Markup in a text or a query is shown as text; only <mark> is added."""
    html = highlight("<script>alert(1)</script> & more", terms("<script> &"))
    assert html == "<mark>&lt;script&gt;</mark>alert(1)&lt;/script&gt; <mark>&amp;</mark> more"


def test_results_are_paginated(demo: Declaration, user_client: Any) -> None:
    """Many hits come one page at a time, with the filters kept in the page links."""
    page = _search(user_client, "observer", demo, q="AI")
    assert "page=2" in page and "q=AI" in page
    second = _search(user_client, "observer", demo, q="AI", page="2")
    assert "Page 2 of" in second


def test_outsider_gets_404(demo: Declaration, user_client: Any) -> None:
    """Someone the declaration is not shared with cannot tell that it exists."""
    response = user_client("outsider").get(reverse("consultations:search", args=[demo.slug]), {"q": "AI"})
    assert response.status_code == 404
