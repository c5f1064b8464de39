"""Round e-mails in each reader's language and time zone, whatever the secretariat's interface language."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone, translation

from consultations.services import round_open
from declarations.demo import seed_demo
from signatories.models import AccountSettings
from signatories.people import account_update

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_round_opened_by_a_korean_secretariat_reaches_each_party_in_its_own_language() -> None:
    """Issue 20: Occitanie's signatory got a Korean reminder because the secretariat used Korean."""
    declaration = seed_demo(create_users=True)
    users = get_user_model().objects
    occitanie = users.get(username="occitanie.focal")
    gyeonggi = users.get(username="gyeonggi.focal")
    account_update(user=occitanie, language="en", time_zone="Europe/Paris", by=occitanie)
    account_update(user=gyeonggi, language="ko", time_zone="Asia/Seoul", by=gyeonggi)
    deadline = datetime.datetime(2027, 3, 1, 12, 0, tzinfo=datetime.UTC)
    with translation.override("ko"):
        round_open(
            declaration=declaration,
            version=declaration.versions.get(),
            deadline=deadline,
            by=users.get(username="secretariat"),
        )
    by_address = {m.to[0]: m for m in mail.outbox}
    french = by_address[occitanie.email]
    korean = by_address[gyeonggi.email]
    assert french.subject.startswith("Comment round open: A manifesto")
    assert "2027-03-01 13:00 CET" in french.body
    assert not korean.subject.startswith("Comment round open")
    assert "신뢰할 수 있는 AI" in korean.subject  # the declaration's Korean title
    assert "2027-03-01 21:00 KST" in korean.body
    assert "http://" in french.body and "/d/deta-trustworthy-ai-manifesto/rounds/" in french.body


def test_a_user_without_settings_gets_the_site_default_not_the_senders_language() -> None:
    """No account settings: the site's language (English) and time zone, not the sender's."""
    declaration = seed_demo(create_users=True)
    users = get_user_model().objects
    AccountSettings.objects.all().delete()
    with translation.override("ko"):
        round_open(
            declaration=declaration,
            version=declaration.versions.get(),
            deadline=timezone.now() + datetime.timedelta(days=3),
            by=users.get(username="secretariat"),
        )
    assert mail.outbox and all(m.subject.startswith("Comment round open") for m in mail.outbox)
