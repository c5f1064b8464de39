"""Who sees what: drafts stay in the party; other parties' comments follow the round's policy."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.http import Http404

from consultations.models import Comment, CommentRound
from consultations.permissions import get_comment_for, get_round_for, visible_comments
from consultations.tests.factories import CommentFactory, CommentRoundFactory
from declarations.tests.factories import DeclarationFactory
from signatories.models import Membership, Party
from signatories.tests.factories import PartyFactory, UserFactory, member

from .conftest import DEADLINE, NOW

pytestmark = pytest.mark.django_db


@dataclass
class People:
    ours: Party
    reviewer: Any  # our party's reviewer, who drafts
    colleague: Any  # our party's focal point
    theirs: Any  # another participating party's reviewer
    their_focal: Any
    secretariat: Any
    observer: Any
    outsider: Any  # a reviewer of a party that does not take part


@pytest.fixture
def people() -> People:
    ours, other = PartyFactory.create(), PartyFactory.create()
    return People(
        ours=ours,
        reviewer=member(ours, Membership.Role.REVIEWER),
        colleague=member(ours, Membership.Role.FOCAL_POINT),
        theirs=member(other, Membership.Role.REVIEWER),
        their_focal=member(other, Membership.Role.FOCAL_POINT),
        secretariat=UserFactory.create(),
        observer=UserFactory.create(),
        outsider=member(PartyFactory.create(), Membership.Role.REVIEWER),
    )


def open_round(people: People, visibility: str = CommentRound.Visibility.IMMEDIATE) -> CommentRound:
    their_party = people.theirs.memberships.get().party
    declaration = DeclarationFactory.create(
        parties=[people.ours, their_party], editors=[people.secretariat], observers=[people.observer]
    )
    return CommentRoundFactory.create(declaration=declaration, by=people.secretariat, visibility=visibility, now=NOW)


def comment_by(people: People, rnd: CommentRound, *, submitted: bool) -> Comment:
    return CommentFactory.create(round=rnd, party=people.ours, by=people.reviewer, submitted=submitted, now=NOW)


def _visible(user: Any, rnd: CommentRound, now: datetime.datetime = NOW) -> set[Comment]:
    return set(visible_comments(get_round_for(user, rnd.declaration.slug, rnd.number), now))


def test_a_partys_drafts_stay_inside_the_party(people: People) -> None:
    """Another party, the secretariat and the observer never see a draft; a colleague does."""
    rnd = open_round(people)
    comment = comment_by(people, rnd, submitted=False)
    assert comment in _visible(people.colleague, rnd)
    for other in (people.theirs, people.secretariat, people.observer):
        assert comment not in _visible(other, rnd)
    with pytest.raises(Http404):
        get_comment_for(people.their_focal, rnd.declaration.slug, rnd.number, comment.pk)


def test_immediate_policy_shows_submitted_comments_to_participants(people: People) -> None:
    """With the default policy other participants read submitted comments at once; observers do not."""
    rnd = open_round(people)
    comment = comment_by(people, rnd, submitted=True)
    assert comment in _visible(people.theirs, rnd)
    assert comment not in _visible(people.observer, rnd)


def test_after_close_policy(people: People) -> None:
    """Other parties see comments only once the round closes; the secretariat sees them at once."""
    rnd = open_round(people, CommentRound.Visibility.AFTER_CLOSE)
    comment = comment_by(people, rnd, submitted=True)
    assert comment not in _visible(people.theirs, rnd, NOW)
    assert comment in _visible(people.secretariat, rnd, NOW)
    assert comment in _visible(people.theirs, rnd, DEADLINE)


def test_secretariat_only_policy(people: People) -> None:
    """Other parties never see each other's comments; each still sees its own."""
    rnd = open_round(people, CommentRound.Visibility.SECRETARIAT)
    comment = comment_by(people, rnd, submitted=True)
    later = DEADLINE + datetime.timedelta(days=30)
    assert comment not in _visible(people.theirs, rnd, later)
    assert comment in _visible(people.reviewer, rnd, later)
    assert comment in _visible(people.secretariat, rnd, later)


def test_outsider_cannot_load_a_round(people: People) -> None:
    """A user whose party is not a participant gets 404 for the round."""
    rnd = open_round(people)
    with pytest.raises(Http404):
        get_round_for(people.outsider, rnd.declaration.slug, rnd.number)
