"""A clause's history: every revision per language with author, time, reason and redline."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from declarations.demo import MANIFESTO_SLUG
from declarations.models import Clause, ClauseText
from declarations.services import clause_delete, clause_text_update

pytestmark = pytest.mark.django_db

KEY = "recommendation-5"
HISTORY = reverse("declarations:clause_history", args=[MANIFESTO_SLUG, KEY])


def _edit(reason: str) -> None:
    clause = Clause.objects.get(key=KEY)
    en = ClauseText.objects.get(clause=clause, language="en")
    user = get_user_model().objects.get(username="secretariat")
    clause_text_update(
        clause=clause,
        language="en",
        text=en.text.replace("campaignsto", "campaigns to"),
        base_revision=en.revision,
        by=user,
        reason=reason,
    )


def test_history_lists_revisions_with_author_reason_and_diff(user_client: Any) -> None:
    """Revision 2 shows who, why and the redline to revision 1; the Korean shows the drift flag event."""
    _edit("Missing space")
    body = user_client("gyeonggi.reviewer").get(HISTORY).content.decode()
    assert "Revision 2" in body and "Revision 1" in body
    author = get_user_model().objects.get(username="secretariat").get_full_name()
    assert "Missing space" in body and author in body
    assert '<del class="rl-del">campaignsto</del>' in body and '<ins class="rl-ins">campaigns to</ins>' in body
    assert "Translation needs update: en changed" in body
    assert 'id="history-ko"' in body


def test_history_of_deleted_clause_is_readable(user_client: Any) -> None:
    """A deleted clause keeps its history page, which says it is deleted."""
    clause_delete(clause=Clause.objects.get(key=KEY), by=get_user_model().objects.get(username="secretariat"))
    body = user_client("observer").get(HISTORY).content.decode()
    assert "This clause is deleted from the draft." in body and "Clause deleted" in body


def test_outsider_gets_404(user_client: Any) -> None:
    """Outsiders get 404 on a clause's history."""
    assert user_client("outsider").get(HISTORY).status_code == 404


def test_unknown_clause_is_404(user_client: Any) -> None:
    """A clause key that does not exist is 404."""
    url = reverse("declarations:clause_history", args=[MANIFESTO_SLUG, "nope"])
    assert user_client("secretariat").get(url).status_code == 404
