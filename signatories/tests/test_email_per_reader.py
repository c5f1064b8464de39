"""Every e-mail in its reader's language and time zone, whatever the sender's interface language."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone, translation

from consultations.services import round_open
from declarations.demo import seed_demo
from signatories.models import AccountSettings
from signatories.notifications import Reader, render_for
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


def test_render_for_uses_the_readers_settings_and_site_url(settings: object) -> None:
    """One function renders one e-mail for one reader; links start with SITE_URL."""
    settings.SITE_URL = "https://accord.example.org"  # type: ignore[attr-defined]
    reader = Reader(email="x@example.org", language="ko", time_zone="Asia/Seoul")
    subject, body = render_for(
        reader,
        subject=lambda: (
            translation.gettext("Reminder: signing closes %(when)s")
            % {"when": timezone.localtime(datetime.datetime(2027, 1, 1, tzinfo=datetime.UTC)).strftime("%H:%M %Z")}
        ),
        template="signatories/email/invitation.txt",
        context={
            "invitation": type(
                "I",
                (),
                {
                    "role_label": "Reviewer",
                    "place": "Kyoto",
                    "expires_at": datetime.datetime(2027, 1, 8, tzinfo=datetime.UTC),
                },
            )(),
            "url": "/invite/abc/",
            "has_account": False,
            "inviter": "DETA",
        },
    )
    assert subject == "알림: 서명이 09:00 KST에 마감됩니다"
    assert "https://accord.example.org/invite/abc/" in body and "2027-01-08 09:00 KST" in body


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


def test_password_reset_is_in_accords_pages_and_the_readers_language(client: object, settings: object) -> None:
    """The reset e-mail follows the account's language and links to SITE_URL; the pages are Accord's own."""
    settings.SITE_URL = "https://accord.example.org"  # type: ignore[attr-defined]
    user = get_user_model().objects.create_user("kim", "kim@example.org", "a long test password 42")
    account_update(user=user, language="ko", time_zone="Asia/Seoul", by=user)
    page = client.get("/accounts/password_reset/")  # type: ignore[attr-defined]
    assert 'href="/static/css/accord.css"' in page.content.decode() or "accord.css" in page.content.decode()
    assert "Django administration" not in page.content.decode()
    client.post("/accounts/password_reset/", {"email": "kim@example.org"})  # type: ignore[attr-defined]
    (message,) = mail.outbox
    assert message.subject == "Accord: 새 비밀번호 정하기"
    assert "https://accord.example.org/accounts/reset/" in message.body
