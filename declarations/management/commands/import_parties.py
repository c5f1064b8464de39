from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from declarations.models import Declaration
from declarations.participation import parties_add
from signatories.directory import parties_import, read_party_file
from signatories.models import Party
from signatories.services import PartyError


class Command(BaseCommand):
    help = (
        "Import parties into the directory from CSV or XLSX (header: key, name_<language>…, kind, country); "
        "with --declaration, add them to that declaration too. Nothing is saved if any row has an error."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--declaration", help="Slug of a declaration the parties join as participants.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        declaration = None
        if options["declaration"]:
            declaration = Declaration.objects.filter(slug=options["declaration"]).first()
            if declaration is None:
                raise CommandError(f"No declaration '{options['declaration']}'. Nothing was imported.")
        try:
            found = read_party_file(name=path.name, size=path.stat().st_size, read=path.read_bytes)
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from exc
        except PartyError as exc:
            raise CommandError(f"{path}: {exc} Nothing was imported.") from exc
        if not found.ok:
            for row in found.rows:
                if row.errors:
                    self.stderr.write(f"line {row.line}: {'; '.join(row.errors)}")
            raise CommandError(f"{found.error_count} rows have errors. Nothing was imported.")
        with transaction.atomic():
            created, updated = parties_import(rows=[r.data for r in found.rows], by=None)
            added = 0
            if declaration is not None:
                parties = list(Party.objects.filter(key__in=[r.data["key"] for r in found.rows]))
                added = parties_add(declaration=declaration, parties=parties, by=None)
        self.stdout.write(
            f"{created} parties added, {updated} updated"
            + (f", {added} joined '{declaration.slug}'." if declaration else ".")
        )
