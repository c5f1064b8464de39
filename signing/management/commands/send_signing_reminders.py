"""Cron: e-mail every party that has not answered an open signing (at most once a day each)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from signing.services import signing_send_reminders


class Command(BaseCommand):
    help = "Send signing reminders to pending parties of every open signing."

    def handle(self, *args: Any, **options: Any) -> None:
        count = signing_send_reminders()
        self.stdout.write(f"Reminders sent: {count}")
