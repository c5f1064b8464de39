"""Editing clauses in place: htmx swaps, conflicts, drift confirmation and who may do what."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from declarations.demo import MANIFESTO_SLUG
from declarations.models import Clause, ClauseText
from declarations.tests.reading import read_declaration

pytestmark = pytest.mark.django_db

KEY = "recommendation-5"
EDIT_EN = reverse("declarations:clause_edit", args=[MANIFESTO_SLUG, KEY, "en"])
HTMX = {"HTTP_HX_REQUEST": "true"}


def _en() -> ClauseText:
    return ClauseText.objects.get(clause__key=KEY, language="en")


def test_edit_form_swaps_in_with_current_text_and_revision(user_client: Any) -> None:
    """The secretariat's Edit button gets a form with the text and the revision it starts from."""
    response = user_client("secretariat").get(EDIT_EN, **HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert f'id="clause-{KEY}"' in body and "<textarea" in body
    assert "campaignsto" in body
    assert 'name="base_revision" value="1"' in body
    assert "<html" not in body


def test_save_returns_the_clause_block_with_new_text(user_client: Any) -> None:
    """Saving through htmx returns the clause block (not a page) with the new text and reason in history."""
    fixed = _en().text.replace("campaignsto", "campaigns to")
    response = user_client("secretariat").post(
        EDIT_EN, {"text": fixed, "base_revision": 1, "reason": "Missing space", "lang": "en"}, **HTMX
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "campaigns to enhance" in body and "<textarea" not in body and "<html" not in body
    assert _en().revision == 2
    assert _en().history.first().history_change_reason == "Missing space"
    assert _en().history.first().history_user.username == "secretariat"


def test_plain_post_redirects_to_the_clause(user_client: Any) -> None:
    """Without JavaScript the form posts normally and redirects back to the clause."""
    response = user_client("secretariat").post(EDIT_EN, {"text": "New text.", "base_revision": 1, "lang": "en"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#clause-{KEY}")


def test_stale_revision_shows_conflict_and_keeps_my_text(user_client: Any) -> None:
    """Saving over a newer revision shows their change as a redline and keeps my text with the new revision."""
    client = user_client("secretariat")
    client.post(EDIT_EN, {"text": _en().text.replace("campaignsto", "campaigns to"), "base_revision": 1})
    mine = "My own rewrite of recommendation five."
    response = client.post(EDIT_EN, {"text": mine, "base_revision": 1}, **HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Someone else saved this text" in body
    assert '<ins class="rl-ins">' in body  # their " to" insertion
    assert mine in body.split("<textarea", 1)[1]
    assert 'name="base_revision" value="2"' in body
    assert _en().revision == 2 and "campaigns to" in _en().text
    # Saving again from the conflict form (base revision 2) wins.
    client.post(EDIT_EN, {"text": mine, "base_revision": 2}, **HTMX)
    assert _en().text == mine


def test_conflict_without_htmx_is_409(user_client: Any) -> None:
    """The full-page conflict view answers 409 Conflict."""
    client = user_client("secretariat")
    client.post(EDIT_EN, {"text": "First.", "base_revision": 1})
    assert client.post(EDIT_EN, {"text": "Second.", "base_revision": 1}).status_code == 409


def test_bad_text_shows_error_in_form(user_client: Any) -> None:
    """An empty source-language text is refused with a message in the form."""
    response = user_client("secretariat").post(EDIT_EN, {"text": "  ", "base_revision": 1})
    assert response.status_code == 400
    assert "cannot be empty" in response.content.decode()


def test_drift_is_shown_and_can_be_confirmed(user_client: Any) -> None:
    """After an English edit the Korean shows 'Translation needs update' until the secretariat confirms it."""
    client = user_client("secretariat")
    client.post(EDIT_EN, {"text": "Changed.", "base_revision": 1})
    page = read_declaration(
        client, reverse("declarations:detail", args=[MANIFESTO_SLUG]), {"lang": "ko"}
    ).content.decode()
    tools = reverse("declarations:clause_tools", args=[MANIFESTO_SLUG, KEY])
    confirm = reverse("declarations:clause_confirm", args=[MANIFESTO_SLUG, KEY, "ko"])
    # The confirmation is next to the clause (htmx posts it), and without JavaScript its link opens
    # the clause's tools page, whose forms carry the CSRF token.
    assert "Translation needs update" in page and f'hx-post="{confirm}"' in page and f'href="{tools}?lang=ko"' in page
    for extra in (HTMX, {}):
        more = client.get(tools, {"lang": "ko"}, **extra).content.decode()
        assert "Confirm the 한국어 translation" in more and "Move up" in more and "Delete" in more
    assert "Confirm the English translation" not in more
    reader = user_client("gyeonggi.reviewer")
    page = read_declaration(
        reader, reverse("declarations:detail", args=[MANIFESTO_SLUG]), {"lang": "ko"}
    ).content.decode()
    assert "Translation needs update" in page and tools not in page
    assert reader.get(tools, {"lang": "ko"}).status_code == 403
    response = client.post(confirm, {"lang": "ko"}, **HTMX)
    assert response.status_code == 200 and "Translation needs update" not in response.content.decode()
    assert not ClauseText.objects.get(clause__key=KEY, language="ko").needs_review


def test_participant_gets_403_on_edit_urls(user_client: Any) -> None:
    """A participant may read but gets 403 on every editing URL."""
    client = user_client("gyeonggi.reviewer")
    section = Clause.objects.get(key=KEY).section.key
    assert client.get(EDIT_EN).status_code == 403
    assert client.post(EDIT_EN, {"text": "x", "base_revision": 1}).status_code == 403
    for name, args in [
        ("clause_confirm", [KEY, "ko"]),
        ("clause_delete", [KEY]),
        ("clause_restore", [KEY]),
        ("clause_move", [KEY]),
        ("clause_add", [section]),
        ("section_move", [section]),
        ("section_delete", [section]),
    ]:
        assert client.post(reverse(f"declarations:{name}", args=[MANIFESTO_SLUG, *args])).status_code == 403, name
    assert client.get(reverse("declarations:deleted", args=[MANIFESTO_SLUG])).status_code == 403
    assert client.get(reverse("declarations:section_add", args=[MANIFESTO_SLUG])).status_code == 403
    assert _en().revision == 1


def test_participant_sees_no_edit_controls(user_client: Any) -> None:
    """The reading page shows no Edit buttons to participants, and does to the secretariat."""
    url = reverse("declarations:detail", args=[MANIFESTO_SLUG])
    assert EDIT_EN not in read_declaration(user_client("kyoto.focal"), url).content.decode()
    assert EDIT_EN in read_declaration(user_client("secretariat"), url, {"lang": "en"}).content.decode()


def test_outsider_gets_404_on_edit_urls(user_client: Any) -> None:
    """An outsider learns nothing: 404 on edit, confirm and delete."""
    client = user_client("outsider")
    assert client.get(EDIT_EN).status_code == 404
    assert client.post(reverse("declarations:clause_delete", args=[MANIFESTO_SLUG, KEY])).status_code == 404
    assert client.get(reverse("declarations:clause", args=[MANIFESTO_SLUG, KEY]), **HTMX).status_code == 404


def test_unknown_language_is_404(user_client: Any) -> None:
    """Editing a language the declaration does not have is 404."""
    url = reverse("declarations:clause_edit", args=[MANIFESTO_SLUG, KEY, "fr"])
    assert user_client("secretariat").get(url).status_code == 404


def test_cancel_swaps_back_the_clause(user_client: Any) -> None:
    """Cancel gets the clause block back as htmx partial."""
    response = user_client("secretariat").get(reverse("declarations:clause", args=[MANIFESTO_SLUG, KEY]), **HTMX)
    assert response.status_code == 200 and "campaignsto" in response.content.decode()
