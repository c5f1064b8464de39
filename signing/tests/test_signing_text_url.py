"""The frozen text of the sign page at its own content-addressed address (signing/frozen_text.py)."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from declarations.models import Declaration

from .signing_helpers import designate, open_signing

pytestmark = pytest.mark.django_db


@pytest.fixture
def signing(demo: Declaration) -> Any:
    signing = open_signing(demo)
    designate(signing, "gyeonggi")
    return signing


def _page(client: Any, demo: Declaration, query: str = "") -> Any:
    return client.get(f"/d/{demo.slug}/signing/party/gyeonggi/{query}")


def _text_url(page: Any) -> str:
    match = re.search(r'id="frozen-text" hx-get="([^"]+)"', page.content.decode())
    assert match, "the sign page names no text address"
    return html.unescape(match.group(1))


def test_the_sign_page_loads_the_text_from_its_address(user_client: Any, demo: Declaration, signing: Any) -> None:
    """The page holds no clause; htmx gets the text in the chosen language, to keep (immutable, private)."""
    client = user_client("gyeonggi.signatory")
    page = _page(client, demo, "?lang=ko")
    assert 'id="clause-recommendation-5"' not in page.content.decode()
    text = client.get(_text_url(page), HTTP_HX_REQUEST="true")
    body = text.content.decode()
    assert text.status_code == 200 and 'id="clause-recommendation-5"' in body and 'lang="ko"' in body
    assert "<html" not in body
    assert "immutable" in text["Cache-Control"] and "private" in text["Cache-Control"]
    assert "HX-Request" in text["Vary"]


def test_without_javascript_the_link_gives_a_whole_page(user_client: Any, demo: Declaration, signing: Any) -> None:
    """Following the link gives the text inside a page that leads back to signing."""
    client = user_client("gyeonggi.signatory")
    response = client.get(_text_url(_page(client, demo)))
    body = response.content.decode()
    assert response.status_code == 200 and "<html" in body and 'id="clause-recommendation-5"' in body
    assert f"/d/{demo.slug}/signing/" in body and "no-cache" in response["Cache-Control"]


def test_another_permission_set_does_not_get_the_body(user_client: Any, demo: Declaration, signing: Any) -> None:
    """The signatory's address (view and sign) does not serve the secretariat (view and edit): it is sent back."""
    address = _text_url(_page(user_client("gyeonggi.signatory"), demo))
    secretariat = user_client("secretariat")
    plain = secretariat.get(address)
    assert plain.status_code == 302 and plain["Location"] == f"/d/{demo.slug}/signing/"
    htmx = secretariat.get(address, HTTP_HX_REQUEST="true")
    assert htmx.status_code == 204 and htmx["HX-Refresh"] == "true"


def test_an_outsider_gets_404(user_client: Any, demo: Declaration, signing: Any) -> None:
    """Someone the declaration is not shared with learns nothing from the address."""
    address = _text_url(_page(user_client("gyeonggi.signatory"), demo))
    get_user_model().objects.create_user("stranger", password="x" * 12)
    assert user_client("stranger").get(address, HTTP_HX_REQUEST="true").status_code == 404
