"""A round with many comments is read page by page, optionally one party at a time."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from consultations import services
from consultations.tests.conftest import NOW
from consultations.views import COMMENTS_PER_PAGE
from declarations.demo import MANIFESTO_SLUG


@pytest.fixture
def many(rnd: Any, draft: Any, party: Any, user: Any) -> Any:
    """Gyeonggi submits more comments than fit on a page; Catalonia submits two."""
    for i in range(COMMENTS_PER_PAGE + 5):
        draft("gyeonggi", text=f"Gyeonggi remark number {i:03d}.")
    services.party_submit(round=rnd, party=party("gyeonggi"), by=user("gyeonggi.focal"), now=NOW)
    for i in range(2):
        draft("catalonia", text=f"Catalonia remark number {i}.")
    services.party_submit(round=rnd, party=party("catalonia"), by=user("catalonia.focal"), now=NOW)
    return rnd


@pytest.mark.django_db
def test_the_first_page_shows_a_page_of_comments_and_a_pager(many: Any, user_client: Any, at_now: Any) -> None:
    """Page 1 shows the first comments, says how many there are, and links to the next page."""
    url = reverse("consultations:round", args=[MANIFESTO_SLUG, many.number])
    body = user_client("secretariat").get(url).content.decode()
    assert "Gyeonggi remark number 000." in body
    assert f"Gyeonggi remark number {COMMENTS_PER_PAGE:03d}." not in body
    assert f"Page 1 of 2 ({COMMENTS_PER_PAGE + 7} comments)" in body
    assert "page=2" in body


@pytest.mark.django_db
def test_the_second_page_shows_the_rest(many: Any, user_client: Any, at_now: Any) -> None:
    """Page 2 shows what did not fit on page 1, Catalonia's comments included."""
    url = reverse("consultations:round", args=[MANIFESTO_SLUG, many.number])
    body = user_client("secretariat").get(url, {"page": 2}).content.decode()
    assert f"Gyeonggi remark number {COMMENTS_PER_PAGE + 4:03d}." in body
    assert "Catalonia remark number 1." in body
    assert "Gyeonggi remark number 000." not in body


@pytest.mark.django_db
def test_filtering_by_party_shows_only_that_party(many: Any, user_client: Any, at_now: Any) -> None:
    """?party=catalonia lists Catalonia's comments only, on one page."""
    url = reverse("consultations:round", args=[MANIFESTO_SLUG, many.number])
    body = user_client("gyeonggi.reviewer").get(url, {"party": "catalonia"}).content.decode()
    assert "Catalonia remark number 0." in body and "Catalonia remark number 1." in body
    assert "Gyeonggi remark number" not in body
    assert "page=2" not in body


@pytest.mark.django_db
def test_own_drafts_stay_on_every_page(many: Any, draft: Any, user_client: Any, at_now: Any) -> None:
    """A party's unsubmitted drafts are listed above the submitted comments on every page, for that party only."""
    draft("gyeonggi", text="An unsubmitted Gyeonggi thought.")
    url = reverse("consultations:round", args=[MANIFESTO_SLUG, many.number])
    assert "An unsubmitted Gyeonggi thought." in user_client("gyeonggi.focal").get(url, {"page": 2}).content.decode()
    assert "An unsubmitted Gyeonggi thought." not in user_client("catalonia.focal").get(url).content.decode()


@pytest.mark.django_db
def test_the_cached_round_page_shows_a_change_on_the_next_request(
    rnd: Any, submitted: Any, user: Any, user_client: Any, at_now: Any
) -> None:
    """Cards, tracker and reflection are cached fragments; a withdrawal shows on the very next view."""
    comment = submitted("gyeonggi", text="A remark that will be withdrawn.")
    url = reverse("consultations:round", args=[MANIFESTO_SLUG, rnd.number])
    client = user_client("secretariat")
    before = client.get(url).content.decode()
    assert "A remark that will be withdrawn." in before and "Withdrawn by the party" not in before
    assert "A remark that will be withdrawn." in client.get(url).content.decode()  # from the cache
    services.comment_withdraw(
        comment=comment, reason="Superseded by our next remark.", by=user("gyeonggi.focal"), now=NOW
    )
    after = client.get(url).content.decode()
    assert "Withdrawn by the party: Superseded by our next remark." in after


@pytest.mark.django_db
def test_a_party_never_sees_the_secretariats_cached_fragments(
    rnd: Any, submitted: Any, user_client: Any, at_now: Any
) -> None:
    """The fragments are keyed by the viewer's permissions and party: the reflection summary stays
    with the secretariat even when a party opens the same page right after it."""
    submitted("gyeonggi")
    url = reverse("consultations:round", args=[MANIFESTO_SLUG, rnd.number])
    assert 'class="reflection"' in user_client("secretariat").get(url).content.decode()
    assert 'class="reflection"' not in user_client("catalonia.focal").get(url).content.decode()


@pytest.mark.django_db
def test_the_cached_listing_counts_a_new_submission_on_the_next_request(
    many: Any, draft: Any, party: Any, user: Any, user_client: Any, at_now: Any
) -> None:
    """Which comments a page lists is cached with the round's stamp: a submission changes the count,
    the pages and what page 2 shows on the very next view."""
    url = reverse("consultations:round", args=[MANIFESTO_SLUG, many.number])
    client = user_client("secretariat")
    assert f"({COMMENTS_PER_PAGE + 7} comments)" in client.get(url).content.decode()
    assert "Kyoto&#x27;s only remark." not in client.get(url, {"page": 2}).content.decode()  # cached now
    draft("kyoto", text="Kyoto's only remark.")
    services.party_submit(round=many, party=party("kyoto"), by=user("kyoto.focal"), now=NOW)
    assert f"({COMMENTS_PER_PAGE + 8} comments)" in client.get(url).content.decode()
    assert "Kyoto&#x27;s only remark." in client.get(url, {"page": 2}).content.decode()


@pytest.mark.django_db
def test_a_page_number_out_of_range_shows_the_last_page(many: Any, user_client: Any, at_now: Any) -> None:
    """?page=99 or ?page=abc shows the last or the first page, as Paginator.get_page does, cached or not."""
    url = reverse("consultations:round", args=[MANIFESTO_SLUG, many.number])
    client = user_client("secretariat")
    for _ in range(2):  # the second time from the cache
        assert "Page 2 of 2" in client.get(url, {"page": 99}).content.decode()
        assert "Page 1 of 2" in client.get(url, {"page": "abc"}).content.decode()
