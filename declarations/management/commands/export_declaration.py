from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from declarations.interchange import dumps
from declarations.models import Declaration
from declarations.selectors import declaration_snapshot


class Command(BaseCommand):
    help = "Write a declaration (the current draft, or a published version) as interchange JSON."

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        # `--version N` names a published version here, not Django's own version.
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("--version", type=int, dest="version_number", help="Published version number.")
        parser.add_argument("--out", type=Path, help="File to write (default: standard output).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            declaration = Declaration.objects.get(slug=options["slug"])
        except Declaration.DoesNotExist:
            raise CommandError(f"No declaration '{options['slug']}'.") from None
        if options["version_number"] is not None:
            version = declaration.versions.filter(number=options["version_number"]).first()
            if version is None:
                raise CommandError(f"'{declaration.slug}' has no version {options['version_number']}.")
            data = version.snapshot
        else:
            data = declaration_snapshot(declaration)
        text = dumps(data)
        if options["out"]:
            options["out"].write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")
