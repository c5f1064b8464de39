"""Restore a declaration from an archive written by export_archive: all of it, or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from backups.archive import ArchiveError
from backups.restore import import_archive


class Command(BaseCommand):
    help = "Verify an archive's hashes and restore its declaration into a database that does not have it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = import_archive(options["archive"])
        except ArchiveError as exc:
            raise CommandError(str(exc)) from exc
        if options["verbosity"] < 1:
            return
        self.stdout.write(
            f"Restored '{result.slug}': {result.rows} rows of the declaration, {result.files_written} files written, "
            f"signing audit trail OK ({result.audit_entries} entries)."
        )
        if result.users_created:
            self.stdout.write(
                f"Created {len(result.users_created)} users: {', '.join(result.users_created)}. "
                "Those restored without a password hash must set a new one (manage.py changepassword USER)."
            )
        if result.users_reused:
            self.stdout.write(f"Kept {len(result.users_reused)} existing users: {', '.join(result.users_reused)}.")
