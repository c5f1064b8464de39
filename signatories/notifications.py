"""E-mail notifications: recorded with the change, sent after it commits by a background task.

The one place Accord sends mail is `deliver` (through the task in tasks.py). A mail server that is
down never turns a saved change into a 500 (issue 18): the delivery is retried with back-off and
a failure stays visible to the secretariat of the declaration (/d/<slug>/mail/).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from config.auth_types import User
from config.text import one_line, show_controls
from declarations.models import Declaration

from .models import MailDelivery, NotificationPreference

logger = logging.getLogger(__name__)

# Waits before the 2nd, 3rd, ... attempt; after the last one the delivery is marked failed.
RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1


def recipients(users: Iterable[User]) -> list[User]:
    """Users with an e-mail address who have not turned notifications off."""
    users = [u for u in users if getattr(u, "email", "") and u.is_active]
    opted_out = set(
        NotificationPreference.objects.filter(user__in=users, email_enabled=False).values_list("user_id", flat=True)
    )
    return [u for u in users if u.pk not in opted_out]


def _safe_subject(subject: str) -> str:
    # A line break in a header is refused by Django's mail (BadHeaderError): one line, always.
    return " ".join(str(subject).split())[:300]


def notify(users: Iterable[User], *, subject: str, template: str, context: dict[str, object] | None = None) -> None:
    """Record one e-mail per recipient, rendered from `template` (.txt), and send them once the change commits."""
    targets = recipients(users)
    if not targets:
        return
    # Issue 18: a line break in a title made every send raise BadHeaderError (after the change was
    # saved); direction controls from user text are shown as markers, in the subject and the body.
    subject = one_line(show_controls(subject))
    ctx = {"site_url": settings.SITE_URL, **(context or {})}
    declaration = ctx.get("declaration")
    if not isinstance(declaration, Declaration) or declaration.pk is None:
        declaration = None
    deliveries = []
    # Rendered now, in the language active when the event happens (decision 34).
    for user in targets:
        deliveries.append(
            MailDelivery.objects.create(
                declaration=declaration,
                recipient=user,
                to_address=user.email,
                subject=_safe_subject(subject),
                body=show_controls(render_to_string(template, {**ctx, "recipient": user})),
            )
        )
    ids = [d.pk for d in deliveries]
    # robust: whatever happens while queueing is logged, never raised into the request.
    transaction.on_commit(lambda: _enqueue(ids), robust=True)


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


def undelivered_count(declaration: Declaration) -> int:
    """How many of the declaration's e-mails failed and are retrying or given up (shown to the secretariat)."""
    failed = (MailDelivery.Status.RETRYING, MailDelivery.Status.FAILED)
    return MailDelivery.objects.filter(declaration=declaration, status__in=failed).count()


def set_email_notifications(*, user: User, enabled: bool) -> NotificationPreference:
    """Turn a user's e-mail notifications on or off."""
    pref, _ = NotificationPreference.objects.update_or_create(user=user, defaults={"email_enabled": enabled})
    return pref


def wants_email(user: User) -> bool:
    pref = NotificationPreference.objects.filter(user=user).first()
    return pref.email_enabled if pref else True


__all__ = [
    "deliver",
    "get_user_model",
    "notify",
    "recipients",
    "retry_due",
    "set_email_notifications",
    "undelivered_count",
    "wants_email",
]
