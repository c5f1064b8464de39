"""Write one declaration's full record and attachments to a single verifiable zip file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from backups.archive import PARTS, ArchiveError, export_archive
from declarations.models import Declaration


class Command(BaseCommand):
    help = "Export a declaration's full record (rows, history, audit trail, files) to one archive file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("--out", type=Path, required=True, help="The archive file to write (a zip).")
        parser.add_argument(
            "--with-password-hashes",
            action="store_true",
            help="Include users' password hashes (by default restored users must set a new password).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        declaration = Declaration.objects.filter(slug=options["slug"]).first()
        if declaration is None:
            raise CommandError(f"No declaration '{options['slug']}'.")
        try:
            result = export_archive(declaration, options["out"], with_password_hashes=options["with_password_hashes"])
        except ArchiveError as exc:
            raise CommandError(str(exc)) from exc
        if options["verbosity"] < 1:
            return
        rows = sum(result.manifest["records"][part.label] for part in PARTS)
        files = sum(1 for name in result.manifest["members"] if name.startswith("files/"))
        self.stdout.write(
            f"Wrote {result.path}: {rows} rows of the declaration, {files} files, {result.size} bytes, "
            f"SHA-256 {result.sha256}"
        )
