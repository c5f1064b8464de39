"""A party speaks with one voice: the focal point submits; submitted comments are the party's."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest

from consultations import services
from consultations.models import Comment, CommentRound, RoundInvitation
from consultations.selectors import round_tracker
from consultations.tests.factories import CommentFactory, CommentRoundFactory
from declarations.tests.factories import DeclarationFactory
from signatories.models import Membership, Party
from signatories.tests.factories import PartyFactory, member

from .conftest import DEADLINE, NOW

pytestmark = pytest.mark.django_db


@dataclass
class Round:
    """An open round (opened at NOW, due at DEADLINE) with two invited parties."""

    round: CommentRound
    ours: Party
    reviewer: Any
    focal: Any
    theirs: Party

    def draft(self, text: str = "A general remark.") -> Comment:
        return CommentFactory.create(round=self.round, party=self.ours, by=self.reviewer, text=text, now=NOW)

    def submitted(self, party: Party | None = None) -> Comment:
        return CommentFactory.create(round=self.round, party=party or self.ours, submitted=True, now=NOW)


@pytest.fixture
def rnd() -> Round:
    ours, theirs = PartyFactory.create(), PartyFactory.create()
    reviewer, focal = member(ours, Membership.Role.REVIEWER), member(ours, Membership.Role.FOCAL_POINT)
    round_ = CommentRoundFactory.create(declaration=DeclarationFactory.create(parties=[ours, theirs]), now=NOW)
    return Round(round_, ours, reviewer, focal, theirs)


def test_reviewer_cannot_submit(rnd: Round) -> None:
    """Only the focal point submits the party's comments."""
    rnd.draft()
    with pytest.raises(services.ConsultationError, match="focal point"):
        services.party_submit(round=rnd.round, party=rnd.ours, by=rnd.reviewer, now=NOW)


def test_focal_point_submits_all_drafts_at_once(rnd: Round) -> None:
    """All drafts become submitted comments numbered in the round; the tracker shows when."""
    rnd.draft(text="One")
    rnd.draft(text="Two")
    services.party_submit(round=rnd.round, party=rnd.ours, by=rnd.focal, now=NOW)
    comments = list(Comment.objects.filter(round=rnd.round).order_by("number"))
    assert [(c.number, c.status) for c in comments] == [(1, "submitted"), (2, "submitted")]
    row = next(r for r in round_tracker(rnd.round) if r.invitation.party == rnd.ours)
    assert (row.invitation.response, row.invitation.responded_at, row.submitted) == ("submitted", NOW, 2)


def test_numbers_continue_across_parties(rnd: Round) -> None:
    """Comment numbers are unique within a round across parties."""
    assert rnd.submitted(rnd.ours).number == 1
    assert rnd.submitted(rnd.theirs).number == 2


def test_no_comments(rnd: Round) -> None:
    """The focal point can answer "no comments"; the tracker records it."""
    services.party_submit_no_comments(round=rnd.round, party=rnd.ours, by=rnd.focal, now=NOW)
    assert rnd.round.invitations.get(party=rnd.ours).response == RoundInvitation.Response.NO_COMMENTS


def test_no_comments_refused_with_drafts(rnd: Round) -> None:
    """A party with drafts must discard them before answering "no comments"."""
    rnd.draft()
    with pytest.raises(services.ConsultationError, match="draft"):
        services.party_submit_no_comments(round=rnd.round, party=rnd.ours, by=rnd.focal, now=NOW)


def test_submission_just_before_the_deadline_counts(rnd: Round) -> None:
    """One microsecond before the deadline a submission is accepted: the comment is submitted and
    numbered, and the tracker records the party's answer at that moment."""
    comment = rnd.draft()
    just_before = DEADLINE - datetime.timedelta(microseconds=1)
    services.party_submit(round=rnd.round, party=rnd.ours, by=rnd.focal, now=just_before)
    comment.refresh_from_db()
    assert (comment.status, comment.number, comment.submitted_at) == (Comment.Status.SUBMITTED, 1, just_before)
    invitation = rnd.round.invitations.get(party=rnd.ours)
    assert (invitation.response, invitation.responded_at) == (RoundInvitation.Response.SUBMITTED, just_before)


def test_submission_at_the_deadline_is_refused(rnd: Round) -> None:
    """At the deadline itself nobody can submit, and the drafts stay drafts."""
    comment = rnd.draft()
    with pytest.raises(services.ConsultationError, match="closed"):
        services.party_submit(round=rnd.round, party=rnd.ours, by=rnd.focal, now=DEADLINE)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.DRAFT


def test_submitted_comments_cannot_be_edited(rnd: Round) -> None:
    """A submitted comment belongs to the party and is no longer editable, even by the focal point."""
    comment = rnd.submitted()
    with pytest.raises(services.ConsultationError, match="no longer be edited"):
        services.comment_update(comment=comment, kind="general", language="en", text="Changed", by=rnd.focal, now=NOW)


def test_submitted_comments_are_never_deleted(rnd: Round) -> None:
    """Discarding only works for drafts."""
    with pytest.raises(services.ConsultationError):
        services.comment_discard(comment=rnd.submitted(), by=rnd.focal)


def test_withdrawal_needs_a_reason_and_keeps_the_comment(rnd: Round) -> None:
    """Withdrawing keeps the comment on the record, marked withdrawn with the reason."""
    comment = rnd.submitted()
    with pytest.raises(services.ConsultationError):
        services.comment_withdraw(comment=comment, reason=" ", by=rnd.focal, now=NOW)
    services.comment_withdraw(comment=comment, reason="Covered by another party", by=rnd.focal, now=NOW)
    comment.refresh_from_db()
    assert (comment.status, comment.withdrawal_reason) == ("withdrawn", "Covered by another party")


def test_withdrawal_after_the_deadline_is_refused(rnd: Round) -> None:
    """Withdrawing is possible only while the round is open."""
    with pytest.raises(services.ConsultationError, match="closed"):
        services.comment_withdraw(comment=rnd.submitted(), reason="Late", by=rnd.focal, now=DEADLINE)
