"""Cron entry point: remind parties that have not answered a round whose deadline is near."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from consultations.services.rounds import REMINDER_WINDOW, round_send_reminders


class Command(BaseCommand):
    help = "E-mail invited parties that have not answered a round closing soon (once per party per round)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--hours",
            type=int,
            default=int(REMINDER_WINDOW.total_seconds() // 3600),
            help="Remind when the deadline is at most this many hours away (default: 48).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        sent = round_send_reminders(window=datetime.timedelta(hours=options["hours"]))
        self.stdout.write(f"{sent} reminder(s) sent.")
