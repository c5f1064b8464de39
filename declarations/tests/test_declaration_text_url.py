"""The declaration's text at its own content-addressed address, loaded by the small per-user page."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from declarations.demo import MANIFESTO_SLUG
from declarations.models import ClauseText
from declarations.services import clause_text_update
from declarations.tests.reading import text_url

URL = reverse("declarations:detail", args=[MANIFESTO_SLUG])
KEY = "recommendation-5"

pytestmark = pytest.mark.django_db


def _edit(text: str) -> None:
    english = ClauseText.objects.get(clause__key=KEY, language="en")
    secretariat = get_user_model().objects.get(username="secretariat")
    clause_text_update(clause=english.clause, language="en", text=text, base_revision=english.revision, by=secretariat)


def test_the_page_is_small_and_names_its_text(user_client: Any) -> None:
    """The page holds the top bar and the text's address, not the text."""
    page = user_client("gyeonggi.reviewer").get(URL)
    body = page.content.decode()
    assert 'id="clause-recommendation-5"' not in body
    assert text_url(page).startswith(f"/d/{MANIFESTO_SLUG}/text/")
    assert len(page.content) < 8_000


def test_htmx_gets_the_text_to_keep(user_client: Any) -> None:
    """The text comes without the page around it, marked immutable and private, varying on HX-Request."""
    client = user_client("gyeonggi.reviewer")
    response = client.get(text_url(client.get(URL)), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'id="clause-recommendation-5"' in response.content.decode()
    assert "<html" not in response.content.decode()
    control = response["Cache-Control"]
    assert "immutable" in control and "private" in control and "max-age=31536000" in control
    assert "HX-Request" in response["Vary"]


def test_without_javascript_the_link_gives_a_whole_page(user_client: Any) -> None:
    """Following the link gives the text inside the page, revalidated like the page itself."""
    client = user_client("gyeonggi.reviewer")
    response = client.get(text_url(client.get(URL)))
    body = response.content.decode()
    assert response.status_code == 200 and "<html" in body and 'id="clause-recommendation-5"' in body
    assert "no-cache" in response["Cache-Control"] and "immutable" not in response["Cache-Control"]


def test_the_same_role_shares_one_address(user_client: Any) -> None:
    """Two readers with the same permissions and view load the same text address (one body for both)."""
    first = text_url(user_client("gyeonggi.reviewer").get(URL, {"lang": "en"}))
    second = text_url(user_client("catalonia.reviewer").get(URL, {"lang": "en"}))
    assert first == second


def test_a_reader_never_gets_the_secretariats_text(user_client: Any) -> None:
    """The secretariat's address (with the clause tools) does not serve a reader: they are sent to their page."""
    secretariat_text = text_url(user_client("secretariat").get(URL, {"lang": "en"}))
    reader = user_client("gyeonggi.reviewer")
    plain = reader.get(secretariat_text)
    assert plain.status_code == 302 and plain["Location"] == f"{URL}?lang=en"
    htmx = reader.get(secretariat_text, HTTP_HX_REQUEST="true")
    assert htmx.status_code == 204 and htmx["HX-Refresh"] == "true" and htmx.content == b""


def test_an_outsider_gets_404(user_client: Any) -> None:
    """Someone the declaration is not shared with learns nothing from a text address."""
    get_user_model().objects.create_user("stranger", password="x" * 12)
    address = text_url(user_client("gyeonggi.reviewer").get(URL))
    assert user_client("stranger").get(address).status_code == 404
    assert user_client("stranger").get(address, HTTP_HX_REQUEST="true").status_code == 404


def test_an_edit_gives_a_new_address_and_retires_the_old(user_client: Any) -> None:
    """After an edit the page names another address with the new text; the old one no longer serves."""
    client = user_client("gyeonggi.reviewer")
    before = text_url(client.get(URL, {"lang": "en"}))
    assert "A sentence at a new address." not in client.get(before, HTTP_HX_REQUEST="true").content.decode()
    _edit("A sentence at a new address.")
    after = text_url(client.get(URL, {"lang": "en"}))
    assert after != before
    assert "A sentence at a new address." in client.get(after, HTTP_HX_REQUEST="true").content.decode()
    assert client.get(before, HTTP_HX_REQUEST="true").status_code == 204
