"""Who sees what: drafts stay in the party; other parties' comments follow the round's policy."""

from __future__ import annotations

import datetime

import pytest
from django.http import Http404

from consultations import services
from consultations.models import CommentRound
from consultations.permissions import get_comment_for, get_round_for, visible_comments

from .conftest import DEADLINE, NOW

pytestmark = pytest.mark.django_db


def _visible(user, rnd, now=NOW):
    return set(visible_comments(get_round_for(user, rnd.declaration.slug, rnd.number), now))


def test_a_partys_drafts_stay_inside_the_party(draft, user, rnd) -> None:
    """Another party, the secretariat and the observer never see a draft; a colleague does."""
    comment = draft()
    assert comment in _visible(user("gyeonggi.focal"), rnd)
    for other in ("catalonia.reviewer", "secretariat", "observer"):
        assert comment not in _visible(user(other), rnd)
    with pytest.raises(Http404):
        get_comment_for(user("catalonia.focal"), rnd.declaration.slug, rnd.number, comment.pk)


def test_immediate_policy_shows_submitted_comments_to_participants(submitted, user, rnd) -> None:
    """With the default policy other participants read submitted comments at once; observers do not."""
    comment = submitted()
    assert comment in _visible(user("catalonia.reviewer"), rnd)
    assert comment not in _visible(user("observer"), rnd)


def _submitted_in(rnd, party, user):
    comment = services.comment_create(
        round=rnd,
        party=party("gyeonggi"),
        by=user("gyeonggi.reviewer"),
        kind="general",
        language="en",
        text="Hi",
        now=NOW,
    )
    services.party_submit(round=rnd, party=party("gyeonggi"), by=user("gyeonggi.focal"), now=NOW)
    return comment


def test_after_close_policy(open_round, party, user) -> None:
    """Other parties see comments only once the round closes; the secretariat sees them at once."""
    rnd = open_round(visibility=CommentRound.Visibility.AFTER_CLOSE)
    comment = _submitted_in(rnd, party, user)
    assert comment not in _visible(user("catalonia.reviewer"), rnd, NOW)
    assert comment in _visible(user("secretariat"), rnd, NOW)
    assert comment in _visible(user("catalonia.reviewer"), rnd, DEADLINE)


def test_secretariat_only_policy(open_round, party, user) -> None:
    """Other parties never see each other's comments; each still sees its own."""
    rnd = open_round(visibility=CommentRound.Visibility.SECRETARIAT)
    comment = _submitted_in(rnd, party, user)
    later = DEADLINE + datetime.timedelta(days=30)
    assert comment not in _visible(user("catalonia.reviewer"), rnd, later)
    assert comment in _visible(user("gyeonggi.reviewer"), rnd, later)
    assert comment in _visible(user("secretariat"), rnd, later)


def test_outsider_cannot_load_a_round(rnd, user) -> None:
    """A user whose party is not a participant gets 404 for the round."""
    with pytest.raises(Http404):
        get_round_for(user("outsider"), rnd.declaration.slug, rnd.number)
