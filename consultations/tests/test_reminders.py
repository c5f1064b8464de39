"""Deadline reminders: once per party per round, only to parties that have not answered."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail

from consultations import services
from consultations.tests.factories import CommentRoundFactory
from declarations.tests.factories import DeclarationFactory
from signatories.models import Membership
from signatories.tests.factories import PartyFactory, member

from .conftest import DEADLINE, NOW

pytestmark = pytest.mark.django_db


def test_reminders_go_once_to_parties_that_have_not_answered(django_capture_on_commit_callbacks) -> None:
    """The party that answered gets nothing; the others get one reminder, and a second run sends none."""
    answered, silent, late = PartyFactory.create_batch(3)
    answered_focal, silent_focal = (
        member(answered, Membership.Role.FOCAL_POINT),
        member(silent, Membership.Role.FOCAL_POINT),
    )
    member(late, Membership.Role.FOCAL_POINT)
    rnd = CommentRoundFactory.create(declaration=DeclarationFactory.create(parties=[answered, silent, late]), now=NOW)
    services.party_submit_no_comments(round=rnd, party=answered, by=answered_focal, now=NOW)
    soon = DEADLINE - datetime.timedelta(hours=24)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.round_send_reminders(now=soon) == 2
    assert answered_focal.email not in {m.to[0] for m in mail.outbox}
    assert silent_focal.email in {m.to[0] for m in mail.outbox}
    assert rnd.invitations.get(party=silent).reminder_sent_at == soon
    assert services.round_send_reminders(now=soon + datetime.timedelta(hours=1)) == 0


def test_no_reminder_while_the_deadline_is_far() -> None:
    """Two weeks before the deadline nobody is reminded."""
    CommentRoundFactory.create(now=NOW)
    assert services.round_send_reminders(now=NOW) == 0
