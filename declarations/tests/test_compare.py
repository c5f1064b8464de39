"""Redlines between versions and the draft: the compare page, inline and side by side."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from declarations.demo import MANIFESTO_SLUG
from declarations.models import Clause, ClauseText, Section
from declarations.services import (
    clause_add,
    clause_delete,
    clause_move,
    clause_text_update,
    version_publish,
)
from declarations.tests.reading import read_declaration, text_url

pytestmark = pytest.mark.django_db

COMPARE = reverse("declarations:compare", args=[MANIFESTO_SLUG])
KEY = "recommendation-5"
KO_REPEAT = "AI 윤리에 관한 의미 있는 논의에 참여하고, "


def _secretariat() -> Any:
    return get_user_model().objects.get(username="secretariat")


def _fix(language: str, old: str, new: str) -> None:
    clause = Clause.objects.get(key=KEY)
    item = ClauseText.objects.get(clause=clause, language=language)
    clause_text_update(
        clause=clause,
        language=language,
        text=item.text.replace(old, new, 1),
        base_revision=item.revision,
        by=_secretariat(),
        reason="Drafting error",
    )


def test_redline_shows_exactly_the_two_drafting_fixes(user_client: Any, demo: Any) -> None:
    """After fixing "campaignsto" and the Korean repetition and publishing, v1→v2 shows exactly those changes."""
    _fix("en", "campaignsto", "campaigns to")
    assert ClauseText.objects.get(clause__key=KEY, language="ko").needs_review
    _fix("ko", KO_REPEAT, "")
    version_publish(declaration=demo, label="Revised draft", by=_secretariat())
    client = user_client("catalonia.reviewer")
    en = read_declaration(client, COMPARE, {"from": 1, "to": 2, "lang": "en"})
    assert en.context["diff"].summary.changed == 1
    changed = [c for c in en.context["diff"].clauses() if c.status != "unchanged"]
    assert [c.key for c in changed] == [KEY]
    assert [(op.kind, op.text) for op in changed[0].ops if op.kind != "equal"] == [
        ("delete", "campaignsto"),
        ("insert", "campaigns to"),
    ]
    ko = read_declaration(client, COMPARE, {"from": 1, "to": 2, "lang": "ko"})
    changed = [c for c in ko.context["diff"].clauses() if c.status != "unchanged"]
    assert [c.key for c in changed] == [KEY]
    edits = [op for op in changed[0].ops if op.kind != "equal"]
    assert len(edits) == 1 and edits[0].kind == "delete" and len(edits[0].text) == len(KO_REPEAT)
    assert '<del class="rl-del">' in ko.content.decode()


def test_default_compares_latest_version_with_draft(user_client: Any) -> None:
    """Without parameters the page compares the latest version with the current draft."""
    _fix("en", "campaignsto", "campaigns to")
    response = read_declaration(user_client("secretariat"), COMPARE)
    assert response.context["old_ref"] == "1" and response.context["new_ref"] == "draft"
    assert "campaigns to" in response.content.decode()


def test_added_removed_and_moved_clauses_are_labelled(user_client: Any) -> None:
    """A new clause is 'added', a deleted one 'removed', a moved one 'moved'."""
    by = _secretariat()
    section = Section.objects.get(key="recommendations")
    clause_add(section=section, texts={"en": "A brand new recommendation."}, key="recommendation-6", by=by)
    clause_delete(clause=Clause.objects.get(key="recommendation-4"), by=by)
    clause_move(clause=Clause.objects.get(key="recommendation-1"), index=5, by=by)
    response = read_declaration(user_client("observer"), COMPARE, {"from": 1, "to": "draft", "lang": "en"})
    status = {c.key: c.status for c in response.context["diff"].clauses()}
    assert status["recommendation-6"] == "added"
    assert status["recommendation-4"] == "removed"
    assert status["recommendation-1"] == "moved"
    body = response.content.decode()
    assert 'id="rl-recommendation-6"' in body and "A brand new recommendation." in body


def test_side_by_side_view_has_old_and_new_columns(user_client: Any) -> None:
    """view=side renders the old text with deletions and the new text with insertions."""
    _fix("en", "campaignsto", "campaigns to")
    body = read_declaration(user_client("secretariat"), COMPARE, {"view": "side", "lang": "en"}).content.decode()
    old_col = body.split('class="clause-text rl-old"', 1)[1].split("</p>", 1)[0]
    new_col = body.split('class="clause-text rl-new"', 1)[1].split("</p>", 1)[0]
    assert "<del" in old_col and "<ins" not in old_col
    assert "<ins" in new_col and "<del" not in new_col


def test_identical_texts_say_so(user_client: Any) -> None:
    """Comparing version 1 with an unchanged draft says the texts are identical."""
    body = read_declaration(user_client("secretariat"), COMPARE, {"from": 1, "to": "draft"}).content.decode()
    assert "The two texts are identical." in body


def test_unknown_refs_fall_back(user_client: Any) -> None:
    """Unknown version numbers or languages fall back to the defaults instead of failing."""
    response = read_declaration(user_client("secretariat"), COMPARE, {"from": "99", "to": "x", "lang": "zz"})
    assert response.status_code == 200
    assert response.context["old_ref"] == "1" and response.context["lang"] == "en"


def test_outsider_gets_404(user_client: Any) -> None:
    """Outsiders get 404 on the compare page."""
    assert user_client("outsider").get(COMPARE).status_code == 404


def test_the_redline_has_its_own_address_to_keep(user_client: Any) -> None:
    """The page names the redline's address; htmx gets it immutable and private, without the page."""
    client = user_client("secretariat")
    page = client.get(COMPARE, {"from": 1, "to": "draft", "lang": "en"})
    assert "rl-" not in page.content.decode().split('id="compare-text"', 1)[1]
    redline = client.get(text_url(page), HTTP_HX_REQUEST="true")
    assert redline.status_code == 200 and "<html" not in redline.content.decode()
    assert "immutable" in redline["Cache-Control"] and "private" in redline["Cache-Control"]


def test_an_edit_to_the_draft_gives_the_redline_a_new_address(user_client: Any) -> None:
    """Comparing with the draft: an edit changes the address; the old one sends the reader back to the page."""
    client = user_client("secretariat")
    before = text_url(client.get(COMPARE, {"from": 1, "to": "draft", "lang": "en"}))
    _fix("en", "campaignsto", "campaigns to")
    page = client.get(COMPARE, {"from": 1, "to": "draft", "lang": "en"})
    assert text_url(page) != before
    assert "campaigns to" in client.get(text_url(page), HTTP_HX_REQUEST="true").content.decode()
    assert client.get(before, HTTP_HX_REQUEST="true").status_code == 204
    stale = client.get(before)
    assert stale.status_code == 302 and stale["Location"].startswith(COMPARE)


def test_an_outsider_gets_404_at_the_redline_address(user_client: Any) -> None:
    """The redline's address tells an outsider nothing."""
    address = text_url(user_client("secretariat").get(COMPARE))
    assert user_client("outsider").get(address).status_code == 404
