"""Opening and closing rounds; the declaration's status follows; the clock closes a round."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command

from consultations import services
from consultations.models import CommentRound
from consultations.tests.factories import CommentRoundFactory
from declarations.models import Declaration
from declarations.tests.factories import DeclarationFactory
from signatories.models import Membership
from signatories.tests.factories import PartyFactory, UserFactory, member

from .conftest import DEADLINE, NOW

pytestmark = pytest.mark.django_db


@dataclass
class Setting:
    """A declaration with three participating parties, each with a reviewer and a focal point."""

    declaration: Declaration
    secretariat: Any
    reviewer: Any
    focal: Any

    def open(self, **kwargs: Any) -> CommentRound:
        return CommentRoundFactory.create(
            **{"declaration": self.declaration, "by": self.secretariat, "now": NOW, **kwargs}
        )


@pytest.fixture
def setting() -> Setting:
    parties = PartyFactory.create_batch(3)
    members = {p: (member(p, Membership.Role.REVIEWER), member(p, Membership.Role.FOCAL_POINT)) for p in parties}
    secretariat = UserFactory.create()
    declaration = DeclarationFactory.create(parties=parties, editors=[secretariat])
    reviewer, focal = members[parties[0]]
    return Setting(declaration, secretariat, reviewer, focal)


@pytest.fixture
def rnd(setting: Setting) -> CommentRound:
    return setting.open()


def test_opening_a_round_invites_all_participants_by_default(
    setting: Setting, django_capture_on_commit_callbacks
) -> None:
    """Without a party list every participant is invited and its members get an e-mail."""
    with django_capture_on_commit_callbacks(execute=True):
        rnd = services.round_open(
            declaration=setting.declaration,
            version=setting.declaration.versions.get(),
            deadline=DEADLINE,
            by=setting.secretariat,
            now=NOW,
        )
    assert rnd.invitations.count() == 3
    setting.declaration.refresh_from_db()
    assert setting.declaration.status == Declaration.Status.CONSULTATION
    assert {m.to[0] for m in mail.outbox} >= {setting.reviewer.email, setting.focal.email}


def test_only_the_secretariat_opens_a_round(setting: Setting) -> None:
    """A focal point cannot open a round."""
    with pytest.raises(services.ConsultationError):
        setting.open(by=setting.focal)


def test_deadline_must_be_in_the_future(setting: Setting) -> None:
    """A round cannot open with a deadline that has passed."""
    with pytest.raises(services.ConsultationError, match="future"):
        setting.open(deadline=NOW)


def test_one_open_round_at_a_time(setting: Setting, rnd: CommentRound) -> None:
    """A second round cannot open while one is open."""
    with pytest.raises(services.ConsultationError, match="already open"):
        setting.open()


def test_state_derives_from_the_clock(rnd: CommentRound) -> None:
    """Open until the deadline, closed at the deadline itself, with no scheduler involved."""
    assert rnd.state(DEADLINE - datetime.timedelta(microseconds=1)) == CommentRound.State.OPEN
    assert rnd.state(DEADLINE) == CommentRound.State.CLOSED


def test_closing_by_hand_returns_to_drafting(setting: Setting, rnd: CommentRound) -> None:
    """Closing early stops the round now and puts the declaration back into drafting."""
    services.round_close(round=rnd, by=setting.secretariat, reason="Consensus reached", now=NOW)
    rnd.refresh_from_db()
    setting.declaration.refresh_from_db()
    assert not rnd.is_open(NOW + datetime.timedelta(seconds=1))
    assert setting.declaration.status == Declaration.Status.DRAFTING
    assert rnd.history.first().history_change_reason == "Closed early"


def test_deadline_closure_is_settled_on_the_next_write(setting: Setting, rnd: CommentRound) -> None:
    """After the deadline the status is still consultation until a write settles it lazily."""
    declaration = setting.declaration
    services.rounds_settle(declaration=declaration, now=DEADLINE - datetime.timedelta(seconds=1))
    declaration.refresh_from_db()
    assert declaration.status == Declaration.Status.CONSULTATION
    services.rounds_settle(declaration=declaration, now=DEADLINE)
    declaration.refresh_from_db()
    assert declaration.status == Declaration.Status.DRAFTING
    assert declaration.history.first().history_change_reason == "Comment round 1 closed at its deadline"


def test_a_new_round_may_open_after_the_deadline(setting: Setting, rnd: CommentRound) -> None:
    """Opening round 2 after round 1's deadline settles round 1 and numbers the new one 2."""
    later = DEADLINE + datetime.timedelta(days=1)
    second = setting.open(now=later, deadline=later + datetime.timedelta(days=7))
    assert second.number == 2


def test_reminder_command_settles_expired_rounds(setting: Setting, rnd: CommentRound, monkeypatch) -> None:
    """send_round_reminders, run by cron, also moves a past-deadline declaration back to drafting."""
    monkeypatch.setattr("django.utils.timezone.now", lambda: DEADLINE + datetime.timedelta(hours=1))
    call_command("send_round_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    setting.declaration.refresh_from_db()
    assert setting.declaration.status == Declaration.Status.DRAFTING
