from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from declarations.interchange import InterchangeError, parse
from declarations.services import DeclarationError, declaration_import


class Command(BaseCommand):
    help = "Import a declaration from Accord's interchange JSON (docs/interchange.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--slug", help="Slug to use instead of the file's or the title's.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        try:
            data = parse(path.read_bytes())
            declaration = declaration_import(data=data, by=None, slug=options["slug"])
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from exc
        except InterchangeError as exc:
            raise CommandError(f"{path}: invalid field {exc.path}: {exc.message}. Nothing was imported.") from exc
        except DeclarationError as exc:
            raise CommandError(f"{exc} Nothing was imported.") from exc
        self.stdout.write(f"Imported '{declaration.slug}'.")
