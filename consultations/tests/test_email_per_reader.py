"""Round e-mails in each reader's language and time zone, whatever the secretariat's interface language."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils import timezone, translation

from consultations.services import round_open
from consultations.tests.factories import editor
from declarations.tests.factories import DeclarationFactory
from signatories.models import AccountSettings, Membership
from signatories.people import account_update
from signatories.tests.factories import PartyFactory, member

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = {"en": "A pledge on open regional data", "ko": "지역 공공데이터 개방 서약"}


def test_a_round_opened_by_a_korean_secretariat_reaches_each_party_in_its_own_language() -> None:
    """Issue 20: a French region's focal point got a Korean reminder because the secretariat used Korean."""
    french_region, korean_region = PartyFactory.create(), PartyFactory.create()
    french = member(french_region, Membership.Role.FOCAL_POINT)
    korean = member(korean_region, Membership.Role.FOCAL_POINT)
    declaration = DeclarationFactory.create(title=TITLE, parties=[french_region, korean_region])
    account_update(user=french, language="en", time_zone="Europe/Paris", by=french)
    account_update(user=korean, language="ko", time_zone="Asia/Seoul", by=korean)
    deadline = datetime.datetime(2027, 3, 1, 12, 0, tzinfo=datetime.UTC)
    with translation.override("ko"):
        round_open(
            declaration=declaration,
            version=declaration.versions.get(),
            deadline=deadline,
            by=editor(declaration),
        )
    by_address = {m.to[0]: m for m in mail.outbox}
    to_french, to_korean = by_address[french.email], by_address[korean.email]
    assert to_french.subject.startswith("Comment round open: A pledge on open regional data")
    assert "2027-03-01 13:00 CET" in to_french.body
    assert not to_korean.subject.startswith("Comment round open")
    assert "지역 공공데이터 개방 서약" in to_korean.subject  # the declaration's Korean title
    assert "2027-03-01 21:00 KST" in to_korean.body
    assert "http://" in to_french.body and f"/d/{declaration.slug}/rounds/" in to_french.body


def test_a_user_without_settings_gets_the_site_default_not_the_senders_language() -> None:
    """No account settings: the site's language (English) and time zone, not the sender's."""
    parties = PartyFactory.create_batch(2)
    for party in parties:
        member(party, Membership.Role.FOCAL_POINT)
    declaration = DeclarationFactory.create(parties=parties)
    AccountSettings.objects.all().delete()
    with translation.override("ko"):
        round_open(
            declaration=declaration,
            version=declaration.versions.get(),
            deadline=timezone.now() + datetime.timedelta(days=3),
            by=editor(declaration),
        )
    assert len(mail.outbox) == 2 and all(m.subject.startswith("Comment round open") for m in mail.outbox)
