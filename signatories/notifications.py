"""E-mail notifications: sent after the transaction commits, only to users who want them."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from config.auth_types import User
from config.text import one_line, show_controls

from .models import NotificationPreference


def recipients(users: Iterable[User]) -> list[User]:
    """Users with an e-mail address who have not turned notifications off."""
    users = [u for u in users if getattr(u, "email", "") and u.is_active]
    opted_out = set(
        NotificationPreference.objects.filter(user__in=users, email_enabled=False).values_list("user_id", flat=True)
    )
    return [u for u in users if u.pk not in opted_out]


def notify(users: Iterable[User], *, subject: str, template: str, context: dict[str, object] | None = None) -> None:
    """Queue one e-mail per recipient, rendered from `template` (a .txt template), on commit."""
    targets = recipients(users)
    if not targets:
        return
    # Issue 18: a line break in a title made every send raise BadHeaderError (after the change was
    # saved); direction controls from user text are shown as markers, in the subject and the body.
    subject = one_line(show_controls(subject))
    ctx = {"site_url": settings.SITE_URL, **(context or {})}
    language = translation.get_language()

    def send() -> None:
        with translation.override(language):
            for user in targets:
                body = render_to_string(template, {**ctx, "recipient": user})
                send_mail(subject, show_controls(body), None, [user.email])

    transaction.on_commit(send)


def set_email_notifications(*, user: User, enabled: bool) -> NotificationPreference:
    """Turn a user's e-mail notifications on or off."""
    pref, _ = NotificationPreference.objects.update_or_create(user=user, defaults={"email_enabled": enabled})
    return pref


def wants_email(user: User) -> bool:
    pref = NotificationPreference.objects.filter(user=user).first()
    return pref.email_enabled if pref else True


__all__ = ["get_user_model", "notify", "recipients", "set_email_notifications", "wants_email"]
