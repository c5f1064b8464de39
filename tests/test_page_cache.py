"""The declaration page's cached body: never stale after an edit, never another user's CSRF token or role."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from declarations.demo import MANIFESTO_SLUG
from declarations.models import Clause, ClauseText
from declarations.services import clause_text_update

URL = reverse("declarations:detail", args=[MANIFESTO_SLUG])
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    cache.clear()


def _first_clause(declaration: Any) -> Clause:
    return Clause.objects.filter(declaration=declaration, deleted_at=None).order_by("section__position", "position")[0]


def test_an_edit_shows_at_once(demo: Any, user_client: Any) -> None:
    """A clause saved after the page was cached is on the page at the next request."""
    reader = user_client("gyeonggi.reviewer")
    assert "A brand-new sentence." not in reader.get(URL).content.decode()
    clause = _first_clause(demo)
    current = ClauseText.objects.get(clause=clause, language="en")
    clause_text_update(
        clause=clause,
        language="en",
        text="A brand-new sentence.",
        base_revision=current.revision,
        by=get_user_model().objects.get(username="secretariat"),
    )
    assert "A brand-new sentence." in reader.get(URL).content.decode()


def test_each_request_gets_its_own_csrf_token(demo: Any) -> None:
    """The secretariat's forms carry the token of the session reading the page, and it is accepted."""
    user = get_user_model().objects.get(username="secretariat")
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(user)
    second.force_login(user)
    first.get(URL)  # fills the cache
    body = second.get(URL).content.decode()
    assert "placeholder" not in body
    clause = _first_clause(demo)
    # A token from a form inside the cached document body, not from the page around it.
    token = TOKEN.search(body.split('id="document"', 1)[1]).group(1)  # type: ignore[union-attr]
    response = second.post(
        reverse("declarations:clause_move", args=[MANIFESTO_SLUG, clause.key]),
        {"csrfmiddlewaretoken": token, "direction": "down", "lang": "en"},
    )
    assert response.status_code == 302


def test_a_reader_never_gets_the_secretariats_tools(demo: Any, user_client: Any) -> None:
    """The body cached for the secretariat (with editing tools) is not served to a participant."""
    assert "Move up" in user_client("secretariat").get(URL).content.decode()
    body = user_client("gyeonggi.reviewer").get(URL).content.decode()
    assert "Move up" not in body and "edit-link" not in body
