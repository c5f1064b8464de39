"""Retry e-mail deliveries whose next attempt is due (cron, every 5 minutes, when tasks cannot be deferred)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from signatories.notifications import retry_due


class Command(BaseCommand):
    help = "Send e-mail deliveries that failed and are due for another attempt, or were never queued."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{retry_due()} deliveries attempted.")
