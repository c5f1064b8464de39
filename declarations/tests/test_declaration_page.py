"""The declaration page: languages, side by side, and who may see it."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from declarations.demo import MANIFESTO_SLUG
from declarations.tests.reading import read_declaration

URL = reverse("declarations:detail", args=[MANIFESTO_SLUG])
KO_TITLE = "신뢰할 수 있는 AI 발전을 위한 선언문"
EN_TITLE = "A manifesto for advancing trustworthy AI"


@pytest.mark.django_db
def test_reviewer_reads_english(user_client: Any) -> None:
    """A participant's reviewer reads the manifesto clause by clause in English."""
    response = read_declaration(user_client("gyeonggi.reviewer"), URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert EN_TITLE in body
    assert 'id="clause-recommendation-5"' in body
    assert KO_TITLE not in body


@pytest.mark.django_db
def test_reviewer_reads_korean(user_client: Any) -> None:
    """?lang=ko shows the Korean text."""
    body = read_declaration(user_client("gyeonggi.reviewer"), URL, {"lang": "ko"}).content.decode()
    assert KO_TITLE in body
    assert "문제 진단" in body


@pytest.mark.django_db
def test_side_by_side_shows_both_languages(user_client: Any) -> None:
    """?lang=en&with=ko puts English and Korean next to each other."""
    body = read_declaration(user_client("catalonia.focal"), URL, {"lang": "en", "with": "ko"}).content.decode()
    assert EN_TITLE in body and KO_TITLE in body
    assert "Diagnosis of the challenges and opportunities" in body and "문제 진단" in body


@pytest.mark.django_db
def test_outsider_gets_404(user_client: Any) -> None:
    """A logged-in user of a party not linked to the declaration gets 404."""
    assert user_client("outsider").get(URL).status_code == 404


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(client: Any, demo: Any) -> None:
    """Anonymous visitors are redirected to the login page."""
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_dashboard_lists_only_visible_declarations(user_client: Any) -> None:
    """The dashboard lists the manifesto for a member and nothing for an outsider."""
    assert EN_TITLE in user_client("kyoto.signatory").get("/").content.decode()
    assert EN_TITLE in user_client("observer").get("/").content.decode()
    assert EN_TITLE not in user_client("outsider").get("/").content.decode()


@pytest.mark.django_db
def test_korean_ui(user_client: Any) -> None:
    """With the interface in Korean, navigation is in Korean and the text defaults to Korean."""
    client = user_client("gyeonggi.reviewer")
    client.post(reverse("set_language"), {"language": "ko", "next": "/"})
    body = read_declaration(client, URL).content.decode()
    assert KO_TITLE in body
    assert "로그아웃" in body
