from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from declarations.creation import CreationError, declaration_assign_secretariat, pick_secretariat
from declarations.interchange import InterchangeError, parse
from declarations.services.common import DeclarationError
from declarations.services.lifecycle import declaration_import


def _limit(limit: int) -> str:
    return f"import files may have at most {limit:,} bytes (IMPORT_MAX_MB={limit // (1024 * 1024)})"


class Command(BaseCommand):
    help = (
        "Import a declaration from Accord's interchange JSON (docs/interchange.md) for a secretariat, "
        "whose members can then see and run it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--slug", help="Slug to use instead of the file's or the title's.")
        parser.add_argument("--secretariat", help="Name of the secretariat (default: the only one).")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        limit = settings.IMPORT_MAX_BYTES
        try:
            # Issue 18: the size is known before a byte is read, and never more than the limit is read
            # (a pipe or a growing file has no size to stat).
            size = path.stat().st_size
            if size > limit:
                raise CommandError(f"{path} is {size:,} bytes; {_limit(limit)}. Nothing was imported.")
            with path.open("rb") as file:
                raw = file.read(limit + 1)
            if len(raw) > limit:
                raise CommandError(f"{path} is larger than the limit; {_limit(limit)}. Nothing was imported.")
            data = parse(raw)
            # Before anything is written: an import nobody could see was the defect of issue 20.
            secretariat = pick_secretariat(options["secretariat"])
            with transaction.atomic():
                declaration = declaration_import(data=data, by=None, slug=options["slug"])
                declaration_assign_secretariat(declaration=declaration, secretariat=secretariat, by=None)
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from exc
        except InterchangeError as exc:
            raise CommandError(f"{path}: invalid field {exc.path}: {exc.message}. Nothing was imported.") from exc
        except (DeclarationError, CreationError) as exc:
            raise CommandError(f"{exc} Nothing was imported.") from exc
        self.stdout.write(f"Imported '{declaration.slug}' for {secretariat.name}.")
