"""Every e-mail in its reader's language and time zone, whatever the sender's interface language."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone, translation

from signatories.notifications import Reader, render_for
from signatories.people import account_update

pytestmark = pytest.mark.django_db(transaction=True)


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
