"""Deadline reminders: once per party per round, only to parties that have not answered."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail

from consultations import services

from .conftest import DEADLINE, NOW

pytestmark = pytest.mark.django_db


def test_reminders_go_once_to_parties_that_have_not_answered(
    rnd, party, user, django_capture_on_commit_callbacks
) -> None:
    """Kyoto answered and gets nothing; the others get one reminder, and a second run sends none."""
    services.party_submit_no_comments(round=rnd, party=party("kyoto"), by=user("kyoto.focal"), now=NOW)
    soon = DEADLINE - datetime.timedelta(hours=24)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.round_send_reminders(now=soon) == 3
    assert not any(m.to[0].startswith("kyoto.") for m in mail.outbox)
    assert any(m.to[0] == "occitanie.focal@demo.accord.invalid" for m in mail.outbox)
    assert rnd.invitations.get(party__key="occitanie").reminder_sent_at == soon
    assert services.round_send_reminders(now=soon + datetime.timedelta(hours=1)) == 0


def test_no_reminder_while_the_deadline_is_far(rnd) -> None:
    """Two weeks before the deadline nobody is reminded."""
    assert services.round_send_reminders(now=NOW) == 0
