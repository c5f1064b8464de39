"""The declaration page's cached body and conditional GET (declarations/caching.py)."""

from __future__ import annotations

import gzip
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from declarations.caching import draft_stamp, page_key
from declarations.demo import MANIFESTO_SLUG
from declarations.models import ClauseText, Declaration
from declarations.services import clause_text_update
from declarations.tests.reading import read_declaration, text_url

URL = reverse("declarations:detail", args=[MANIFESTO_SLUG])
KEY = "recommendation-5"

pytestmark = pytest.mark.django_db


def _edit(text: str) -> None:
    english = ClauseText.objects.get(clause__key=KEY, language="en")
    secretariat = get_user_model().objects.get(username="secretariat")
    clause_text_update(clause=english.clause, language="en", text=text, base_revision=english.revision, by=secretariat)


def test_a_repeat_view_of_an_unchanged_text_is_a_304(user_client: Any) -> None:
    """The browser's copy is confirmed with a 304 until the text changes; then the page is sent again."""
    client = user_client("gyeonggi.reviewer")
    first = client.get(URL)
    etag = first["ETag"]
    assert first.status_code == 200 and "no-cache" in first["Cache-Control"] and "private" in first["Cache-Control"]
    again = client.get(URL, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    _edit("A new sentence for the cached page.")
    after = client.get(URL, HTTP_IF_NONE_MATCH=etag)
    assert after.status_code == 200 and text_url(after) != text_url(first)
    assert "A new sentence for the cached page." in client.get(text_url(after)).content.decode()


def test_another_users_copy_is_never_confirmed(user_client: Any) -> None:
    """Same text, same role, another user: the page carries their name and token, so no 304."""
    etag = user_client("gyeonggi.reviewer").get(URL)["ETag"]
    other = user_client("catalonia.reviewer").get(URL, HTTP_IF_NONE_MATCH=etag)
    assert other.status_code == 200 and other["ETag"] != etag


def test_an_outsider_gets_404_not_an_etag(user_client: Any) -> None:
    """The ETag is worked out after the permission check: no page, no ETag for an outsider."""
    user_model = get_user_model()
    user_model.objects.create_user("stranger", password="x" * 12)
    client = user_client("stranger")
    response = client.get(URL, HTTP_IF_NONE_MATCH="*")
    assert response.status_code == 404 and not response.has_header("ETag")


def test_the_secretariats_body_never_reaches_a_reader(user_client: Any) -> None:
    """Bodies are cached per permission set: the clause tools stay with the secretariat."""
    secretariat = read_declaration(user_client("secretariat"), URL, {"lang": "en"}).content.decode()
    reader = read_declaration(user_client("gyeonggi.reviewer"), URL, {"lang": "en"}).content.decode()
    delete = reverse("declarations:clause_delete", args=[MANIFESTO_SLUG, KEY])
    assert f'hx-post="{delete}"' in secretariat and "Move up" in secretariat
    assert delete not in reader and "Move up" not in reader


def test_the_shared_body_holds_no_token_and_no_name(user_client: Any) -> None:
    """Only the top bar carries the user's name and CSRF token; the text the page loads has neither."""
    client = user_client("secretariat")
    page = client.get(URL, {"lang": "en"})
    body = client.get(text_url(page), HTTP_HX_REQUEST="true").content.decode()
    assert '<div class="doc-header">' in body
    assert "csrfmiddlewaretoken" not in body and "X-CSRFToken" not in body
    assert "Log out" not in body  # no top bar: nothing of the user


def test_keys_follow_permissions_stamp_and_view(demo: Declaration) -> None:
    """The one key function: another permission set, stamp, view or interface language is another key."""
    users = get_user_model().objects
    secretariat, reader = users.get(username="secretariat"), users.get(username="gyeonggi.reviewer")
    stamp = draft_stamp(demo)
    base = page_key("detail", demo, reader, stamp=stamp, shown={"lang": "en"})
    assert base == page_key("detail", demo, users.get(username="gyeonggi.reviewer"), stamp=stamp, shown={"lang": "en"})
    assert base != page_key("detail", demo, secretariat, stamp=stamp, shown={"lang": "en"})
    assert base != page_key("detail", demo, reader, stamp=stamp, shown={"lang": "ko"})
    assert base != page_key("detail", demo, reader, stamp=stamp + "1", shown={"lang": "en"})
    _edit("Changed once more.")
    assert draft_stamp(demo) != stamp


def test_pages_are_compressed(user_client: Any) -> None:
    """A browser that accepts gzip gets the page compressed (GZipMiddleware)."""
    response = user_client("gyeonggi.reviewer").get(URL, HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert "A manifesto for advancing trustworthy AI" in gzip.decompress(response.content).decode()
