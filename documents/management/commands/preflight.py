"""manage.py preflight — what a production process checks before it starts (config/preflight.py)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from config.preflight import exit_unless_ready


class Command(BaseCommand):
    help = (
        "Check the database (reachable, migrated), the PDF seal and the cache; exit 3 naming each problem. "
        "docker-compose runs it before the worker; gunicorn's app runs the same checks when it loads."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("role", nargs="?", default="worker", help="A name for the messages (web, worker).")

    def handle(self, *args: Any, **options: Any) -> None:
        exit_unless_ready(options["role"])
        self.stdout.write(f"Accord ({options['role']}) is ready.")
