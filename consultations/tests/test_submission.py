"""A party speaks with one voice: the focal point submits; submitted comments are the party's."""

from __future__ import annotations

import datetime

import pytest

from consultations import services
from consultations.models import Comment, RoundInvitation
from consultations.selectors import round_tracker

from .conftest import DEADLINE, NOW

pytestmark = pytest.mark.django_db


def test_reviewer_cannot_submit(rnd, draft, party, user) -> None:
    """Only the focal point submits the party's comments."""
    draft()
    with pytest.raises(services.ConsultationError, match="focal point"):
        services.party_submit(round=rnd, party=party("gyeonggi"), by=user("gyeonggi.reviewer"), now=NOW)


def test_focal_point_submits_all_drafts_at_once(rnd, draft, party, user) -> None:
    """All drafts become submitted comments numbered in the round; the tracker shows when."""
    draft(text="One")
    draft(text="Two")
    services.party_submit(round=rnd, party=party("gyeonggi"), by=user("gyeonggi.focal"), now=NOW)
    comments = list(Comment.objects.filter(round=rnd).order_by("number"))
    assert [(c.number, c.status) for c in comments] == [(1, "submitted"), (2, "submitted")]
    row = next(r for r in round_tracker(rnd) if r.invitation.party.key == "gyeonggi")
    assert (row.invitation.response, row.invitation.responded_at, row.submitted) == ("submitted", NOW, 2)


def test_numbers_continue_across_parties(rnd, submitted) -> None:
    """Comment numbers are unique within a round across parties."""
    assert submitted("gyeonggi").number == 1
    assert submitted("catalonia").number == 2


def test_no_comments(rnd, party, user) -> None:
    """The focal point can answer "no comments"; the tracker records it."""
    services.party_submit_no_comments(round=rnd, party=party("kyoto"), by=user("kyoto.focal"), now=NOW)
    assert rnd.invitations.get(party__key="kyoto").response == RoundInvitation.Response.NO_COMMENTS


def test_no_comments_refused_with_drafts(rnd, draft, party, user) -> None:
    """A party with drafts must discard them before answering "no comments"."""
    draft()
    with pytest.raises(services.ConsultationError, match="draft"):
        services.party_submit_no_comments(round=rnd, party=party("gyeonggi"), by=user("gyeonggi.focal"), now=NOW)


def test_submission_just_before_the_deadline_counts(rnd, draft, party, user) -> None:
    """One microsecond before the deadline a submission is accepted: the comment is submitted and
    numbered, and the tracker records the party's answer at that moment."""
    comment = draft()
    just_before = DEADLINE - datetime.timedelta(microseconds=1)
    services.party_submit(round=rnd, party=party("gyeonggi"), by=user("gyeonggi.focal"), now=just_before)
    comment.refresh_from_db()
    assert (comment.status, comment.number, comment.submitted_at) == (Comment.Status.SUBMITTED, 1, just_before)
    invitation = rnd.invitations.get(party__key="gyeonggi")
    assert (invitation.response, invitation.responded_at) == (RoundInvitation.Response.SUBMITTED, just_before)


def test_submission_at_the_deadline_is_refused(rnd, draft, party, user) -> None:
    """At the deadline itself nobody can submit, and the drafts stay drafts."""
    comment = draft()
    with pytest.raises(services.ConsultationError, match="closed"):
        services.party_submit(round=rnd, party=party("gyeonggi"), by=user("gyeonggi.focal"), now=DEADLINE)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.DRAFT


def test_submitted_comments_cannot_be_edited(submitted, user) -> None:
    """A submitted comment belongs to the party and is no longer editable, even by the focal point."""
    comment = submitted()
    with pytest.raises(services.ConsultationError, match="no longer be edited"):
        services.comment_update(
            comment=comment, kind="general", language="en", text="Changed", by=user("gyeonggi.focal"), now=NOW
        )


def test_submitted_comments_are_never_deleted(submitted, user) -> None:
    """Discarding only works for drafts."""
    with pytest.raises(services.ConsultationError):
        services.comment_discard(comment=submitted(), by=user("gyeonggi.focal"))


def test_withdrawal_needs_a_reason_and_keeps_the_comment(submitted, user) -> None:
    """Withdrawing keeps the comment on the record, marked withdrawn with the reason."""
    comment = submitted()
    with pytest.raises(services.ConsultationError):
        services.comment_withdraw(comment=comment, reason=" ", by=user("gyeonggi.focal"), now=NOW)
    services.comment_withdraw(comment=comment, reason="Covered by Catalonia", by=user("gyeonggi.focal"), now=NOW)
    comment.refresh_from_db()
    assert (comment.status, comment.withdrawal_reason) == ("withdrawn", "Covered by Catalonia")


def test_withdrawal_after_the_deadline_is_refused(submitted, user) -> None:
    """Withdrawing is possible only while the round is open."""
    with pytest.raises(services.ConsultationError, match="closed"):
        services.comment_withdraw(comment=submitted(), reason="Late", by=user("gyeonggi.focal"), now=DEADLINE)
