"""Opening and closing rounds; the declaration's status follows; the clock closes a round."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.management import call_command

from consultations import services
from consultations.models import CommentRound
from declarations.models import Declaration

from .conftest import DEADLINE, NOW

pytestmark = pytest.mark.django_db


def test_opening_a_round_invites_all_participants_by_default(demo, user, django_capture_on_commit_callbacks) -> None:
    """Without a party list every participant is invited and its members get an e-mail."""
    with django_capture_on_commit_callbacks(execute=True):
        rnd = services.round_open(
            declaration=demo, version=demo.versions.get(), deadline=DEADLINE, by=user("secretariat"), now=NOW
        )
    assert rnd.invitations.count() == 15
    demo.refresh_from_db()
    assert demo.status == Declaration.Status.CONSULTATION
    assert {m.to[0] for m in mail.outbox} >= {
        "gyeonggi.reviewer@demo.accord.invalid",
        "kyoto.focal@demo.accord.invalid",
    }


def test_only_the_secretariat_opens_a_round(demo, user) -> None:
    """A focal point cannot open a round."""
    with pytest.raises(services.ConsultationError):
        services.round_open(
            declaration=demo, version=demo.versions.get(), deadline=DEADLINE, by=user("gyeonggi.focal"), now=NOW
        )


def test_deadline_must_be_in_the_future(demo, user) -> None:
    """A round cannot open with a deadline that has passed."""
    with pytest.raises(services.ConsultationError, match="future"):
        services.round_open(
            declaration=demo, version=demo.versions.get(), deadline=NOW, by=user("secretariat"), now=NOW
        )


def test_one_open_round_at_a_time(rnd, open_round) -> None:
    """A second round cannot open while one is open."""
    with pytest.raises(services.ConsultationError, match="already open"):
        open_round()


def test_state_derives_from_the_clock(rnd) -> None:
    """Open until the deadline, closed at the deadline itself, with no scheduler involved."""
    assert rnd.state(DEADLINE - datetime.timedelta(microseconds=1)) == CommentRound.State.OPEN
    assert rnd.state(DEADLINE) == CommentRound.State.CLOSED


def test_closing_by_hand_returns_to_drafting(demo, rnd, user) -> None:
    """Closing early stops the round now and puts the declaration back into drafting."""
    services.round_close(round=rnd, by=user("secretariat"), reason="Consensus reached", now=NOW)
    rnd.refresh_from_db()
    demo.refresh_from_db()
    assert not rnd.is_open(NOW + datetime.timedelta(seconds=1))
    assert demo.status == Declaration.Status.DRAFTING
    assert rnd.history.first().history_change_reason == "Closed early"


def test_deadline_closure_is_settled_on_the_next_write(demo, rnd, user) -> None:
    """After the deadline the status is still consultation until a write settles it lazily."""
    services.rounds_settle(declaration=demo, now=DEADLINE - datetime.timedelta(seconds=1))
    demo.refresh_from_db()
    assert demo.status == Declaration.Status.CONSULTATION
    services.rounds_settle(declaration=demo, now=DEADLINE)
    demo.refresh_from_db()
    assert demo.status == Declaration.Status.DRAFTING
    assert demo.history.first().history_change_reason == "Comment round 1 closed at its deadline"


def test_a_new_round_may_open_after_the_deadline(demo, rnd, user) -> None:
    """Opening round 2 after round 1's deadline settles round 1 and numbers the new one 2."""
    later = DEADLINE + datetime.timedelta(days=1)
    second = services.round_open(
        declaration=demo,
        version=demo.versions.get(),
        deadline=later + datetime.timedelta(days=7),
        by=user("secretariat"),
        now=later,
    )
    assert second.number == 2


def test_reminder_command_settles_expired_rounds(demo, rnd, monkeypatch) -> None:
    """send_round_reminders, run by cron, also moves a past-deadline declaration back to drafting."""
    monkeypatch.setattr("django.utils.timezone.now", lambda: DEADLINE + datetime.timedelta(hours=1))
    call_command("send_round_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    demo.refresh_from_db()
    assert demo.status == Declaration.Status.DRAFTING
