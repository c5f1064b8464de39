"""Named versions: publish form (drift warning, prefilled note), versions list, the frozen version page."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from declarations.demo import MANIFESTO_SLUG
from declarations.interchange import content_hash
from declarations.models import Clause, ClauseText, DeclarationVersion
from declarations.services import clause_delete, clause_text_update

pytestmark = pytest.mark.django_db

PUBLISH = reverse("declarations:version_publish", args=[MANIFESTO_SLUG])
VERSIONS = reverse("declarations:versions", args=[MANIFESTO_SLUG])
V1 = reverse("declarations:version", args=[MANIFESTO_SLUG, 1])


def _secretariat() -> Any:
    return get_user_model().objects.get(username="secretariat")


def _edit_en(key: str, old: str, new: str) -> None:
    clause = Clause.objects.get(key=key)
    en = ClauseText.objects.get(clause=clause, language="en")
    clause_text_update(
        clause=clause, language="en", text=en.text.replace(old, new), base_revision=en.revision, by=_secretariat()
    )


def test_publish_form_prefills_note_from_query_string(user_client: Any) -> None:
    """?note=... fills the note field (comment rounds propose one)."""
    body = user_client("secretariat").get(PUBLISH, {"note": "After round 1"}).content.decode()
    assert "After round 1</textarea>" in body


def test_publish_creates_next_version_with_hash(user_client: Any) -> None:
    """Publishing stores version 2 with label, note, publisher and the SHA-256 of its snapshot."""
    response = user_client("secretariat").post(PUBLISH, {"label": "Revised draft", "note": "Two fixes."})
    version = DeclarationVersion.objects.get(declaration__slug=MANIFESTO_SLUG, number=2)
    assert response.status_code == 302
    assert response["Location"] == reverse("declarations:version", args=[MANIFESTO_SLUG, 2])
    assert version.label == "Revised draft" and version.note == "Two fixes."
    assert version.published_by is not None and version.published_by.username == "secretariat"
    assert version.content_hash == content_hash(version.snapshot)


def test_publish_requires_a_label(user_client: Any) -> None:
    """An empty label is refused and nothing is published."""
    response = user_client("secretariat").post(PUBLISH, {"label": "  "})
    assert response.status_code == 400
    assert not DeclarationVersion.objects.filter(number=2).exists()


def test_publish_form_warns_about_drifted_clauses_but_allows_publishing(user_client: Any) -> None:
    """The publish form lists clauses whose translation needs an update, and publishing still works."""
    _edit_en("recommendation-5", "campaignsto", "campaigns to")
    client = user_client("secretariat")
    body = client.get(PUBLISH).content.decode()
    assert 'id="drift-warning"' in body and "recommendation-5" in body and "Publish anyway" in body
    assert client.post(PUBLISH, {"label": "Revised draft"}).status_code == 302
    assert DeclarationVersion.objects.filter(number=2).exists()


def test_no_drift_no_warning(user_client: Any) -> None:
    """Without drifted clauses the publish form shows no warning."""
    assert 'id="drift-warning"' not in user_client("secretariat").get(PUBLISH).content.decode()


def test_version_page_shows_the_snapshot_not_the_live_text(user_client: Any) -> None:
    """Version 1 keeps its text and its deleted clause after the draft changes, and shows its hash."""
    _edit_en("recommendation-5", "campaignsto", "campaigns to")
    clause_delete(clause=Clause.objects.get(key="recommendation-4"), by=_secretariat())
    body = user_client("kyoto.reviewer").get(V1, {"lang": "en"}).content.decode()
    version = DeclarationVersion.objects.get(declaration__slug=MANIFESTO_SLUG, number=1)
    assert "campaignsto" in body and "campaigns to enhance" not in body
    assert 'id="clause-recommendation-4"' in body
    assert version.content_hash in body


def test_version_page_side_by_side(user_client: Any) -> None:
    """A version can be read in Korean, and side by side."""
    body = user_client("observer").get(V1, {"lang": "ko", "with": "en"}).content.decode()
    assert "신뢰할 수 있는 AI 발전을 위한 선언문" in body and "A manifesto for advancing trustworthy AI" in body


def test_versions_list_shows_label_and_hash(user_client: Any) -> None:
    """Participants and observers see every version with label and SHA-256."""
    version = DeclarationVersion.objects.get(declaration__slug=MANIFESTO_SLUG, number=1)
    for username in ["gyeonggi.reviewer", "observer"]:
        body = user_client(username).get(VERSIONS).content.decode()
        assert version.label in body and version.content_hash in body


def test_participant_cannot_publish(user_client: Any) -> None:
    """A participant gets 403 on the publish page and nothing is published."""
    client = user_client("gyeonggi.focal")
    assert client.get(PUBLISH).status_code == 403
    assert client.post(PUBLISH, {"label": "Mine"}).status_code == 403
    assert not DeclarationVersion.objects.filter(number=2).exists()


def test_outsider_gets_404_on_version_pages(user_client: Any) -> None:
    """Outsiders get 404 on the versions list, a version and the publish form."""
    client = user_client("outsider")
    for url in [VERSIONS, V1, PUBLISH]:
        assert client.get(url).status_code == 404, url


def test_unknown_version_is_404(user_client: Any) -> None:
    """A version number that does not exist is 404."""
    url = reverse("declarations:version", args=[MANIFESTO_SLUG, 99])
    assert user_client("secretariat").get(url).status_code == 404
