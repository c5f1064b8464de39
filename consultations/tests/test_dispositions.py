"""Dispositions on the record: reasons, one-click application of proposed text, replies, e-mails."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import IntegrityError

from consultations import services
from consultations.models import Comment
from declarations.models import ClauseText
from declarations.services import clause_text_update

from .conftest import NOW

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposal(submitted, clause):
    base = ClauseText.objects.get(clause=clause("vision"), language="en").text
    return submitted(kind=Comment.Kind.PROPOSED_TEXT, clause=clause("vision"), proposed_text=base + " Proposed.")


def test_only_the_secretariat_records_dispositions(submitted, user) -> None:
    """A focal point cannot decide on comments."""
    with pytest.raises(services.ConsultationError, match="secretariat"):
        services.comment_dispose(comment=submitted(), disposition="accepted", reason="Fine", by=user("catalonia.focal"))


def test_a_disposition_needs_a_reason(submitted, user) -> None:
    """The service refuses a disposition without a reason."""
    with pytest.raises(services.ConsultationError, match="reason"):
        services.comment_dispose(comment=submitted(), disposition="rejected", reason="  ", by=user("secretariat"))


def test_the_database_refuses_a_disposition_without_reason(submitted) -> None:
    """Even a direct write cannot store a disposition without its reason."""
    comment = submitted()
    comment.disposition = "rejected"
    with pytest.raises(IntegrityError):
        comment.save()


def test_drafts_get_no_disposition(draft, user) -> None:
    """The secretariat decides on submitted comments only."""
    with pytest.raises(services.ConsultationError):
        services.comment_dispose(comment=draft(), disposition="noted", reason="Seen", by=user("secretariat"))


def test_accepting_a_proposal_applies_it_with_history(proposal, user, clause) -> None:
    """The clause text becomes the proposal; the history row names the comment and links back to it."""
    comment = services.comment_dispose(
        comment=proposal, disposition="accepted", reason="Agreed", apply=True, by=user("secretariat"), now=NOW
    )
    text = ClauseText.objects.get(clause=clause("vision"), language="en")
    assert text.text == proposal.proposed_text
    history = comment.applied_history
    assert history is not None
    assert history.history_change_reason == "Applied comment #1 (Gyeonggi)"
    assert history.revision == text.revision
    assert list(history.applied_comments.all()) == [comment]


def test_applying_refuses_when_the_clause_moved_on(proposal, user, clause) -> None:
    """If the clause changed after the proposal was written, one-click apply refuses instead of overwriting."""
    current = ClauseText.objects.get(clause=clause("vision"), language="en")
    clause_text_update(
        clause=clause("vision"),
        language="en",
        text="Someone else's edit.",
        base_revision=current.revision,
        by=user("secretariat"),
    )
    with pytest.raises(services.ConsultationError, match="changed since"):
        services.comment_dispose(
            comment=proposal, disposition="accepted", reason="Agreed", apply=True, by=user("secretariat")
        )
    proposal.refresh_from_db()
    assert proposal.disposition == ""


def test_accept_with_modification_applies_the_merged_text(proposal, user, clause) -> None:
    """Accepted with modification applies the secretariat's text against the revision it saw."""
    current = ClauseText.objects.get(clause=clause("vision"), language="en")
    services.comment_dispose(
        comment=proposal,
        disposition="accepted_modified",
        reason="Shortened",
        apply=True,
        text="Merged text.",
        base_revision=current.revision,
        by=user("secretariat"),
    )
    assert ClauseText.objects.get(pk=current.pk).text == "Merged text."


def test_applied_disposition_is_final(proposal, user) -> None:
    """Once applied to the text, the disposition cannot be changed."""
    services.comment_dispose(
        comment=proposal, disposition="accepted", reason="Agreed", apply=True, by=user("secretariat")
    )
    with pytest.raises(services.ConsultationError, match="final"):
        services.comment_dispose(
            comment=proposal, disposition="rejected", reason="Changed mind", by=user("secretariat")
        )


def test_withdrawn_comment_gets_no_disposition(submitted, user) -> None:
    """A withdrawn comment stays withdrawn."""
    comment = submitted()
    services.comment_withdraw(comment=comment, reason="Not needed", by=user("gyeonggi.focal"), now=NOW)
    with pytest.raises(services.ConsultationError):
        services.comment_dispose(comment=comment, disposition="noted", reason="Ok", by=user("secretariat"))


def test_disposition_mails_the_focal_point_and_the_author(submitted, user, django_capture_on_commit_callbacks) -> None:
    """The party's focal point and the comment's author hear about the decision, with the reason."""
    comment = submitted()
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_dispose(comment=comment, disposition="rejected", reason="Out of scope", by=user("secretariat"))
    assert sorted(m.to[0] for m in mail.outbox) == [
        "gyeonggi.focal@demo.accord.invalid",
        "gyeonggi.reviewer@demo.accord.invalid",
    ]
    assert "Out of scope" in mail.outbox[0].body


def test_opted_out_users_get_no_mail(submitted, user, django_capture_on_commit_callbacks) -> None:
    """A user who turned e-mails off gets none."""
    from signatories.notifications import set_email_notifications

    set_email_notifications(user=user("gyeonggi.reviewer"), enabled=False)
    comment = submitted()
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_dispose(comment=comment, disposition="noted", reason="Thanks", by=user("secretariat"))
    assert [m.to[0] for m in mail.outbox] == ["gyeonggi.focal@demo.accord.invalid"]


def test_reply_thread_between_secretariat_and_party(submitted, user, django_capture_on_commit_callbacks) -> None:
    """The party replies, the secretariat hears of it; another party cannot join the thread."""
    comment = submitted()
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_reply(comment=comment, text="Could you explain?", by=user("gyeonggi.focal"))
    assert [m.to[0] for m in mail.outbox] == ["secretariat@demo.accord.invalid"]
    with pytest.raises(services.ConsultationError):
        services.comment_reply(comment=comment, text="Me too", by=user("catalonia.focal"))
