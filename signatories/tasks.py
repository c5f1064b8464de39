"""Background tasks (django.tasks): e-mail delivery, queued after the change that causes it commits."""

from __future__ import annotations

from django.tasks import task

from . import notifications


@task()
def deliver_mail(delivery_id: int) -> str:
    """Send one recorded e-mail (signatories.notifications.deliver); returns the delivery's status."""
    return notifications.deliver(delivery_id)
