"""Search within a declaration: clause texts in every language, comments as the round rules allow."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from consultations.models import Comment
from consultations.permissions import access_for
from consultations.search import Filters, Found, highlight, search, terms
from declarations.models import ClauseText, Declaration
from declarations.services import drafting
from declarations.services.lifecycle import declaration_add_party
from signatories.models import Party

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


def test_finds_chinese_and_korean_words_inside_longer_runs(
    demo: Declaration, user_client: Any, submitted: Callable[..., Comment]
) -> None:
    """Chinese runs words together and Korean joins particles to them: such words are found inside the run."""
    submitted("gyeonggi", text="各国应尊重人权和隐私。", language="ko")  # the demo speaks English and Korean
    submitted("catalonia", text="Human rights: 우리는 민주주의를 존중한다.", language="ko")
    assert "尊重<mark>人权</mark>和隐私" in _search(user_client, "secretariat", demo, q="人权")
    page = _search(user_client, "secretariat", demo, q="민주주의 존중")
    assert "<mark>민주주의</mark>를 <mark>존중</mark>한다" in page
    page = _search(user_client, "secretariat", demo, q="rights 민주주의")  # a whole word and a Korean one
    assert "Human <mark>rights</mark>: 우리는 <mark>민주주의</mark>를" in page


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


def _three_texts_and_three_comments_say_zebra(demo: Declaration, submitted: Callable[..., Comment]) -> None:
    for text in ClauseText.objects.filter(clause__declaration=demo, language="en").order_by("pk")[:3]:
        text.text += " Zebra crossings."
        text.save()
    for n in range(3):
        submitted("gyeonggi", text=f"Zebra remark {n}.")


def test_pages_run_from_clause_texts_on_to_comments(
    demo: Declaration, user: Callable[[str], Any], submitted: Callable[..., Comment], monkeypatch: Any
) -> None:
    """Clause texts come first, then comments; a page can hold both, and the count covers both."""
    monkeypatch.setattr("consultations.search.PER_PAGE", 2)
    _three_texts_and_three_comments_say_zebra(demo, submitted)
    access = access_for(user("secretariat"), demo)
    pages = [search(access, "zebra", Filters(), number) for number in (1, 2, 3)]
    assert pages[0][0].paginator.count == 6
    assert [[hit.kind for hit in hits] for _page, hits in pages] == [
        ["clause", "clause"],
        ["clause", "comment"],
        ["comment", "comment"],
    ]
    assert [hits[1].comment and hits[1].comment.text for _page, hits in pages[1:]] == [
        "Zebra remark 0.",
        "Zebra remark 2.",
    ]


@pytest.mark.parametrize("cap", [2, 4])
def test_hits_are_counted_up_to_a_cap(
    demo: Declaration,
    user: Callable[[str], Any],
    user_client: Any,
    submitted: Callable[..., Comment],
    monkeypatch: Any,
    cap: int,
) -> None:
    """Past MAX_HITS the count says "more than", the pager stops there, and the hits up to it are in order."""
    monkeypatch.setattr("consultations.search.PER_PAGE", 2)
    monkeypatch.setattr("consultations.search.MAX_HITS", cap)
    _three_texts_and_three_comments_say_zebra(demo, submitted)
    access = access_for(user("secretariat"), demo)
    page, hits = search(access, "zebra", Filters(), cap // 2)
    assert page.paginator.count == cap and page.paginator.num_pages == cap // 2
    found = page.paginator.object_list
    assert isinstance(found, Found) and found.more and not page.has_next()
    assert [hit.kind for hit in hits] == (["clause", "clause"] if cap == 2 else ["clause", "comment"])
    html = _search(user_client, "secretariat", demo, q="zebra")
    assert f"More than {cap} results" in html and f"The first {cap} are listed." in html
    # Exactly at the cap nothing is hidden: the count is exact.
    monkeypatch.setattr("consultations.search.MAX_HITS", 6)
    page, _hits = search(access, "zebra", Filters(), 1)
    found = page.paginator.object_list
    assert isinstance(found, Found) and page.paginator.count == 6 and not found.more
    assert "6 results" in _search(user_client, "secretariat", demo, q="zebra")


def test_party_and_paragraph_lists_follow_the_declaration(
    demo: Declaration, user_client: Any, user: Callable[[str], Any], clause: Callable[[str], Any]
) -> None:
    """The lists of the form are cached, yet a party added and a clause deleted show on the next search."""
    client = user_client("secretariat")
    url = reverse("consultations:search", args=[demo.slug])
    before = client.get(url, {"q": "AI"}).content.decode()
    paragraphs = before.count(">Paragraph ")
    assert 'value="demo-outsider-region"' not in before
    declaration_add_party(
        declaration=demo, party=Party.objects.get(key="demo-outsider-region"), role="observer", by=None
    )
    drafting.clause_delete(clause=clause("vision"), by=user("secretariat"), reason="merged")
    after = client.get(url, {"q": "AI"}).content.decode()
    assert 'value="demo-outsider-region"' in after
    assert after.count(">Paragraph ") == paragraphs - 1 and 'value="vision"' not in after


def test_outsider_gets_404(demo: Declaration, user_client: Any) -> None:
    """Someone the declaration is not shared with cannot tell that it exists."""
    response = user_client("outsider").get(reverse("consultations:search", args=[demo.slug]), {"q": "AI"})
    assert response.status_code == 404
