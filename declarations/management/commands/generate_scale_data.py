import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from benchmarks import scale_data


class Command(BaseCommand):
    help = (
        "Build the UN-scale benchmark declaration (193 parties, 6 languages, 400 clauses, 20 versions, "
        "10,000 comments, 193 signatures). Idempotent: a finished data set is left as it is."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--small", action="store_true", help="The small comparison set (slug un-scale-small).")
        parser.add_argument("--reset", action="store_true", help="Delete the data set first and build it again.")

    def handle(self, *args: Any, **options: Any) -> None:
        size, slug = (
            (scale_data.SMALL, scale_data.SMALL_SLUG) if options["small"] else (scale_data.FULL, scale_data.SLUG)
        )
        if scale_data.is_complete(slug) and not options["reset"]:
            self.stdout.write(f"{slug}: already there (use --reset to build it again).")
            return
        # A half-built set (an interrupted run) is removed as well.
        scale_data.delete(slug)
        started = time.monotonic()
        self.stdout.write(f"{slug}: building {size}")
        scale_data.build(size, slug=slug, log=options["verbosity"] >= 1)
        self.stdout.write(f"{slug}: done in {time.monotonic() - started:.1f} s")
