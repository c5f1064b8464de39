"""E-mail notifications: one per reader, in the reader's language and time zone, sent after commit.

`render_for(reader, ...)` is the one place that turns a message into a reader's subject and body;
whatever sends the mail (now on commit, later a background task) calls it once per reader.
"""

from __future__ import annotations

import contextlib
import zoneinfo
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from config.auth_types import User

from .models import AccountSettings, NotificationPreference

# A subject is given as a function so that it is translated (and the declaration's title picked)
# in the reader's language, not in the language of whoever caused the e-mail.
type Subject = Callable[[], str] | str


@dataclass(frozen=True)
class Reader:
    """Who an e-mail is for: address, language and time zone (a user, or an invited address)."""

    email: str
    language: str
    time_zone: str
    user: User | None = None


def _ui_language(code: str | None) -> str:
    codes = {c for c, _ in settings.LANGUAGES}
    return code if code in codes else settings.LANGUAGE_CODE


def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def readers(users: Iterable[User]) -> list[Reader]:
    """The users as readers, with the language and time zone of their account settings."""
    users = list(users)
    prefs = {a.user_id: a for a in AccountSettings.objects.filter(user__in=users)}
    out = []
    for user in users:
        pref = prefs.get(user.pk)
        out.append(
            Reader(
                email=user.email,
                language=_ui_language(pref.language if pref else None),
                time_zone=pref.time_zone if pref else settings.TIME_ZONE,
                user=user,
            )
        )
    return out


def reader_of(user: User) -> Reader:
    return readers([user])[0]


@contextlib.contextmanager
def reading_as(reader: Reader) -> Iterator[None]:
    """Translation and time zone of `reader` for whatever is rendered inside."""
    with translation.override(_ui_language(reader.language)), timezone.override(_zone(reader.time_zone)):
        yield


def render_for(reader: Reader, *, subject: Subject, template: str, context: dict[str, object]) -> tuple[str, str]:
    """Subject and body of one e-mail for one reader: their language, their time zone, SITE_URL links."""
    with reading_as(reader):
        text = subject() if callable(subject) else str(subject)
        body = render_to_string(
            template, {"site_url": settings.SITE_URL, **context, "recipient": reader.user, "reader": reader}
        )
    # A header cannot hold a line break (a title with one would be refused by the mail library).
    return " ".join(text.split()), body


def send_to(targets: list[Reader], *, subject: Subject, template: str, context: dict[str, object]) -> None:
    """Queue one e-mail per reader, on commit."""
    if not targets:
        return

    def send() -> None:
        for reader in targets:
            text, body = render_for(reader, subject=subject, template=template, context=context)
            send_mail(text, body, None, [reader.email])

    transaction.on_commit(send)


def recipients(users: Iterable[User]) -> list[User]:
    """Users with an e-mail address who have not turned notifications off."""
    users = [u for u in users if getattr(u, "email", "") and u.is_active]
    opted_out = set(
        NotificationPreference.objects.filter(user__in=users, email_enabled=False).values_list("user_id", flat=True)
    )
    return [u for u in users if u.pk not in opted_out]


def notify(users: Iterable[User], *, subject: Subject, template: str, context: dict[str, object] | None = None) -> None:
    """Queue one e-mail per recipient who wants it, rendered from `template` (a .txt template), on commit."""
    send_to(readers(recipients(users)), subject=subject, template=template, context=context or {})


def set_email_notifications(*, user: User, enabled: bool) -> NotificationPreference:
    """Turn a user's e-mail notifications on or off."""
    pref, _ = NotificationPreference.objects.update_or_create(user=user, defaults={"email_enabled": enabled})
    return pref


def wants_email(user: User) -> bool:
    pref = NotificationPreference.objects.filter(user=user).first()
    return pref.email_enabled if pref else True


__all__ = [
    "Reader",
    "get_user_model",
    "notify",
    "reader_of",
    "readers",
    "reading_as",
    "recipients",
    "render_for",
    "send_to",
    "set_email_notifications",
    "wants_email",
]
