"""The main pages run as many queries on a declaration four times larger: nothing is fetched per row.

Two declarations are built once for the module with the UN-scale generator (benchmarks/scale_data):
the SMALL comparison set (12 parties, 24 clauses, 60 comments, 12 signatures) and the same four
times over (48 parties, 96 clauses, 240 comments, 48 signatures). Each page is requested on both
with an empty cache, and the larger one may not use more queries than the smaller one.
Timings are not asserted here; they live in benchmarks/ (docs/performance.md).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from benchmarks import scale_data
from consultations.models import Comment, CommentRound
from declarations.models import DeclarationVersion
from declarations.tests.reading import text_url

SMALL_SLUG = "qb-small"
LARGE_SLUG = "qb-large"
FACTOR = 4
# Extra queries the larger declaration may use. Zero: nothing on these pages is fetched per row.
SLACK = 0


@dataclass(frozen=True)
class World:
    slug: str
    secretariat: str
    focal: str
    signatory: str
    last_version: int
    last_round: int
    proposal_id: int


def _world(slug: str) -> World:
    prefix = f"{slug}-state-"
    last_round = CommentRound.objects.filter(declaration__slug=slug).order_by("-number").first()
    assert last_round is not None
    proposal = Comment.objects.filter(round=last_round, kind=Comment.Kind.PROPOSED_TEXT).order_by("number").first()
    assert proposal is not None
    last = DeclarationVersion.objects.filter(declaration__slug=slug).order_by("-number").first()
    assert last is not None
    return World(
        slug=slug,
        secretariat=scale_data.secretariat_username(slug),
        focal=f"{prefix}001.focal",
        signatory=f"{prefix}001.signatory",
        last_version=last.number,
        last_round=last_round.number,
        proposal_id=proposal.pk,
    )


@pytest.fixture(scope="module")
def worlds(django_db_setup: Any, django_db_blocker: Any) -> Iterator[tuple[World, World]]:
    """The small and the four-times-larger declaration, built once and removed afterwards."""
    with django_db_blocker.unblock(), tempfile.TemporaryDirectory() as media:
        with override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
            scale_data.build(scale_data.SMALL, slug=SMALL_SLUG)
            scale_data.build(scale_data.scaled(scale_data.SMALL, FACTOR), slug=LARGE_SLUG)
        try:
            yield _world(SMALL_SLUG), _world(LARGE_SLUG)
        finally:
            scale_data.delete(SMALL_SLUG)
            scale_data.delete(LARGE_SLUG)


def _queries(client: Client, url: str) -> tuple[int, list[str]]:
    """Queries for one request with a cold page cache (what grows with the data is the render)."""
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries), [q["sql"] for q in ctx.captured_queries]


Page = Callable[[World], str]
PAGES: dict[str, tuple[str, Page]] = {
    "dashboard": ("secretariat", lambda w: "/"),
    "declaration text": ("secretariat", lambda w: f"/d/{w.slug}/"),
    "search in text and comments": ("secretariat", lambda w: f"/d/{w.slug}/search/?q=the"),
    "search as a party, filtered": ("focal", lambda w: f"/d/{w.slug}/search/?q=the&kind=editorial"),
    "declaration side by side (RTL)": ("secretariat", lambda w: f"/d/{w.slug}/?lang=en&with=ar"),
    "declaration as a party": ("focal", lambda w: f"/d/{w.slug}/?lang=fr"),
    "clause with its comments": (
        "secretariat",
        lambda w: f"/d/{w.slug}/rounds/{w.last_round}/comments/{w.proposal_id}/",
    ),
    "clause with its comments as the party": (
        "focal",
        lambda w: f"/d/{w.slug}/rounds/{w.last_round}/comments/{w.proposal_id}/",
    ),
    "round tracker (round list)": ("secretariat", lambda w: f"/d/{w.slug}/rounds/"),
    "round page (tracker and comments)": ("secretariat", lambda w: f"/d/{w.slug}/rounds/{w.last_round}/"),
    "round page as a party": ("focal", lambda w: f"/d/{w.slug}/rounds/{w.last_round}/"),
    "comment matrix XLSX": ("secretariat", lambda w: f"/d/{w.slug}/rounds/{w.last_round}/matrix.xlsx"),
    "comment matrix CSV": ("secretariat", lambda w: f"/d/{w.slug}/rounds/{w.last_round}/matrix.csv"),
    "reflection summary": ("secretariat", lambda w: f"/d/{w.slug}/rounds/reflection/"),
    "open a comment round (form)": ("secretariat", lambda w: f"/d/{w.slug}/rounds/new/"),
    "versions list": ("secretariat", lambda w: f"/d/{w.slug}/versions/"),
    "redline first → last version": ("secretariat", lambda w: f"/d/{w.slug}/compare/?from=1&to={w.last_version}"),
    "redline side by side in Arabic": (
        "secretariat",
        lambda w: f"/d/{w.slug}/compare/?from=1&to={w.last_version}&lang=ar&view=side&all=1",
    ),
    "signing status board": ("secretariat", lambda w: f"/d/{w.slug}/signing/"),
    "signing status board as a signatory": ("signatory", lambda w: f"/d/{w.slug}/signing/?order=name"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("page", list(PAGES))
def test_page_queries_do_not_grow_with_the_declaration(
    page: str, worlds: tuple[World, World], django_assert_max_num_queries: Any
) -> None:
    """The larger declaration's page needs no more queries than the small one's."""
    role, url_for = PAGES[page]
    small, large = worlds
    User = get_user_model()
    clients = {}
    for world in worlds:
        client = Client()
        client.force_login(User.objects.get(username=getattr(world, role)))
        clients[world.slug] = client
        client.get(url_for(world))  # warm process-wide caches (content types, permissions)
    budget, small_sql = _queries(clients[small.slug], url_for(small))
    cache.clear()
    with django_assert_max_num_queries(budget + SLACK):
        response = clients[large.slug].get(url_for(large))
    assert response.status_code == 200
    assert budget < 40, f"{page}: {budget} queries even on the small declaration:\n" + "\n".join(small_sql)


# Pages whose text is loaded from an address of its own (decision 97): that address has a budget too.
TEXT_PAGES = [
    "declaration text",
    "declaration side by side (RTL)",
    "declaration as a party",
    "redline first → last version",
    "redline side by side in Arabic",
]


@pytest.mark.django_db
@pytest.mark.parametrize("page", TEXT_PAGES)
def test_text_addresses_do_not_grow_with_the_declaration(
    page: str, worlds: tuple[World, World], django_assert_max_num_queries: Any
) -> None:
    """The text a page loads, at its own address, needs no more queries on the larger declaration."""
    role, url_for = PAGES[page]
    small, large = worlds
    addresses = {}
    for world in worlds:
        client = Client()
        client.force_login(get_user_model().objects.get(username=getattr(world, role)))
        addresses[world.slug] = (client, text_url(client.get(url_for(world))))
        client.get(addresses[world.slug][1])  # warm process-wide caches
    budget, small_sql = _queries(*addresses[small.slug])
    client, address = addresses[large.slug]
    cache.clear()
    with django_assert_max_num_queries(budget + SLACK):
        response = client.get(address)
    assert response.status_code == 200
    assert budget < 40, f"{page}: {budget} queries even on the small declaration:\n" + "\n".join(small_sql)


@pytest.mark.django_db
def test_the_larger_declaration_is_really_larger(worlds: tuple[World, World]) -> None:
    """The comparison means something: the second declaration has four times the rows."""
    small, large = worlds
    for model, lookup in ((Comment, "round__declaration__slug"), (CommentRound, "declaration__slug")):
        small_count = model.objects.filter(**{lookup: small.slug}).count()  # type: ignore[attr-defined]
        large_count = model.objects.filter(**{lookup: large.slug}).count()  # type: ignore[attr-defined]
        if model is Comment:
            assert large_count == FACTOR * small_count
        else:
            assert large_count == small_count


# Session, user, the declaration with the user's permissions on it (decision 108), draft stamp.
CACHED_DECLARATION_PAGE_QUERIES = 4


@pytest.mark.django_db
def test_declaration_page_from_the_cache_reads_no_text(
    worlds: tuple[World, World], django_assert_max_num_queries: Any
) -> None:
    """Once rendered, the large declaration's page is served without reading its sections or texts."""
    _, large = worlds
    client = Client()
    client.force_login(get_user_model().objects.get(username=large.secretariat))
    url = f"/d/{large.slug}/"
    cache.clear()
    client.get(url)
    with django_assert_max_num_queries(CACHED_DECLARATION_PAGE_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
