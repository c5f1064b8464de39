"""manage.py worker_health — the worker container's health check: is the task queue moving?"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from django.db.models import Q
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max


class Command(BaseCommand):
    help = (
        "Exit non-zero when the database cannot be reached or a task has waited in the queue longer than "
        "--stalled-after seconds (no worker is taking tasks)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--stalled-after", type=int, default=300)

    def handle(self, *args: Any, **options: Any) -> None:
        limit = timezone.now() - timedelta(seconds=options["stalled_after"])
        try:
            # Waiting since it was queued, or since the time it was deferred to (a retry's back-off).
            waiting = (
                DBTaskResult.objects.ready()
                .filter(Q(run_after=get_date_max(), enqueued_at__lt=limit) | Q(run_after__lt=limit))
                .count()
            )
        except DatabaseError as exc:
            raise CommandError(f"database unreachable: {exc}") from exc
        if waiting:
            raise CommandError(
                f"{waiting} task(s) waiting for more than {options['stalled_after']} s: the worker is stalled"
            )
        self.stdout.write("worker queue moving")
