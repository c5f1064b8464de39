"""E-mail notifications: one per reader, in the reader's language and time zone, recorded with the
change and sent after it commits by a background task.

`render_for(reader, ...)` is the one place that turns a message into a reader's subject and body;
`deliver` (through the task in tasks.py) is the one place that sends. A mail server that is down
never turns a saved change into a 500 (issue 18): the delivery is retried with back-off and a
failure stays visible to the secretariat of the declaration (/d/<slug>/mail/).
"""

from __future__ import annotations

import contextlib
import logging
import zoneinfo
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from config.auth_types import User
from config.text import one_line, show_controls

from .models import AccountSettings, MailDelivery, NotificationPreference

logger = logging.getLogger(__name__)

# Waits before the 2nd, 3rd, ... attempt; after the last one the delivery is marked failed.
RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1

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
    # Issue 18: a header cannot hold a line break (a title with one made every send fail after the
    # change was saved), and direction controls from user text are shown as markers, not obeyed.
    return one_line(show_controls(text))[:300], show_controls(body)


def recipients(users: Iterable[User]) -> list[User]:
    """Users with an e-mail address who have not turned notifications off."""
    users = [u for u in users if getattr(u, "email", "") and u.is_active]
    opted_out = set(
        NotificationPreference.objects.filter(user__in=users, email_enabled=False).values_list("user_id", flat=True)
    )
    return [u for u in users if u.pk not in opted_out]


def send_to(targets: list[Reader], *, subject: Subject, template: str, context: dict[str, object]) -> None:
    """Record one e-mail per reader, rendered now for that reader, and send them once the change commits."""
    if not targets:
        return
    declaration_id = _declaration_id(context)
    ids = []
    for reader in targets:
        text, body = render_for(reader, subject=subject, template=template, context=context)
        delivery = MailDelivery.objects.create(
            declaration_id=declaration_id, recipient=reader.user, to_address=reader.email, subject=text, body=body
        )
        ids.append(delivery.pk)
    # robust: whatever happens while queueing is logged, never raised into the request.
    transaction.on_commit(lambda: _enqueue(ids), robust=True)


def _declaration_id(context: dict[str, object]) -> int | None:
    """The id of the saved declaration an e-mail is about, if its context names one (MailDelivery.declaration)."""
    # The model is read from the foreign key, not imported: parties sit below declarations.
    model = MailDelivery._meta.get_field("declaration").related_model
    declaration = context.get("declaration")
    if isinstance(model, type) and isinstance(declaration, model) and declaration.pk is not None:
        return int(declaration.pk)
    return None


def notify(users: Iterable[User], *, subject: Subject, template: str, context: dict[str, object] | None = None) -> None:
    """Record and send one e-mail per recipient who wants it, rendered from `template` (.txt) for each."""
    send_to(readers(recipients(users)), subject=subject, template=template, context=context or {})


def _enqueue(ids: list[int], *, run_after: datetime | None = None) -> None:
    from .tasks import deliver_mail

    for pk in ids:
        try:
            task = deliver_mail.using(run_after=run_after) if run_after is not None else deliver_mail
            task.enqueue(pk)
        except Exception:
            # The delivery row stays queued; `manage.py send_pending_mail` picks it up.
            logger.exception("Could not queue e-mail delivery %s", pk)


def deliver(delivery_id: int, *, now: datetime | None = None) -> str:
    """Send one recorded e-mail; on failure record the error and plan the next attempt. Never raises."""
    now = now or timezone.now()
    with transaction.atomic():
        delivery = MailDelivery.objects.select_for_update().filter(pk=delivery_id).first()
        # A second worker, or a retry of a delivery that went out meanwhile: nothing to do.
        if delivery is None or delivery.status in (MailDelivery.Status.SENT, MailDelivery.Status.FAILED):
            return delivery.status if delivery else "missing"
        delivery.attempts += 1
        try:
            EmailMessage(delivery.subject, delivery.body, None, [delivery.to_address]).send()
        except Exception as exc:
            delivery.last_error = f"{type(exc).__name__}: {exc}"[:500]
            if delivery.attempts >= MAX_ATTEMPTS:
                delivery.status, delivery.next_attempt_at = MailDelivery.Status.FAILED, None
            else:
                delivery.status = MailDelivery.Status.RETRYING
                delivery.next_attempt_at = now + RETRY_DELAYS[delivery.attempts - 1]
            logger.warning("E-mail delivery %s failed (attempt %s): %s", delivery.pk, delivery.attempts, exc)
        else:
            delivery.status, delivery.sent_at, delivery.next_attempt_at = MailDelivery.Status.SENT, now, None
        delivery.save(update_fields=["attempts", "last_error", "status", "next_attempt_at", "sent_at"])
    if delivery.status == MailDelivery.Status.RETRYING and _backend_defers():
        _enqueue([delivery.pk], run_after=delivery.next_attempt_at)
    return delivery.status


def _backend_defers() -> bool:
    from .tasks import deliver_mail

    return bool(deliver_mail.get_backend().supports_defer)


def retry_due(*, now: datetime | None = None) -> int:
    """Send every delivery whose next attempt is due, and any left queued (cron: `send_pending_mail`)."""
    now = now or timezone.now()
    due = MailDelivery.objects.filter(status=MailDelivery.Status.RETRYING, next_attempt_at__lte=now)
    stale = MailDelivery.objects.filter(status=MailDelivery.Status.QUEUED, created_at__lte=now - timedelta(minutes=5))
    ids = list(due.values_list("pk", flat=True)) + list(stale.values_list("pk", flat=True))
    for pk in ids:
        deliver(pk, now=now)
    return len(ids)


def undelivered_count(declaration: models.Model) -> int:
    """How many of the declaration's e-mails failed and are retrying or given up (shown to the secretariat)."""
    failed = (MailDelivery.Status.RETRYING, MailDelivery.Status.FAILED)
    return MailDelivery.objects.filter(declaration_id=declaration.pk, status__in=failed).count()


def set_email_notifications(*, user: User, enabled: bool) -> NotificationPreference:
    """Turn a user's e-mail notifications on or off."""
    pref, _ = NotificationPreference.objects.update_or_create(user=user, defaults={"email_enabled": enabled})
    return pref


def wants_email(user: User) -> bool:
    pref = NotificationPreference.objects.filter(user=user).first()
    return pref.email_enabled if pref else True


__all__ = [
    "Reader",
    "deliver",
    "get_user_model",
    "notify",
    "reader_of",
    "readers",
    "reading_as",
    "recipients",
    "render_for",
    "retry_due",
    "send_to",
    "set_email_notifications",
    "undelivered_count",
    "wants_email",
]
