"""Reflection while a round is open: "no comments yet", not "did not respond" (issue 21, part 6)."""

from __future__ import annotations

import pytest

from consultations import services
from consultations.selectors import Outcome, party_reflections, proposed_version_note, reflection_summary

from .conftest import DEADLINE, NOW

pytestmark = pytest.mark.django_db


def _outcome(rnd, key, now=None):  # type: ignore[no-untyped-def]
    return next(r for r in party_reflections([rnd], now=now) if r.party.key == key).outcome


def test_a_silent_party_has_no_comments_yet_while_the_round_is_open(rnd) -> None:  # type: ignore[no-untyped-def]
    assert _outcome(rnd, "occitanie", now=NOW) == Outcome.NO_COMMENTS_YET
    assert _outcome(rnd, "occitanie", now=DEADLINE) == Outcome.NO_ANSWER


def test_the_note_follows_the_round_state(demo, rnd, user) -> None:  # type: ignore[no-untyped-def]
    """The suggested version note: "so far … still open" and "has no comments yet", then the final wording."""
    open_note = proposed_version_note(demo)
    assert "Comments on version 1 so far (comment round 1, still open):" in open_note
    assert "Occitanie Region has no comments yet." in open_note
    assert "did not respond" not in open_note
    assert "옥시타니 아직 의견 없음." in open_note
    services.round_close(round=rnd, by=user("secretariat"))  # closed now (the fixture round runs in 2030)
    closed_note = proposed_version_note(demo)
    assert "Comments on version 1 (comment round 1):" in closed_note
    assert "Occitanie Region did not respond." in closed_note
    assert "옥시타니 미회신." in closed_note


def test_the_round_page_reflection_says_no_comments_yet(rnd, user_client) -> None:  # type: ignore[no-untyped-def]
    summary = reflection_summary(rnd, "en")
    assert "has no comments yet" in summary and "did not respond" not in summary
