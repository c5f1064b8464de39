from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from declarations import docx_export
from declarations.models import Declaration, DeclarationVersion


class Command(BaseCommand):
    help = "Write a published version, or the redline between two versions, as a Word (.docx) file."

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        # --version names the declaration's version here (as the issue asks), not Django's version.
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("--version", type=int, required=True, dest="number", help="the version number")
        parser.add_argument("--compare-to", type=int, help="write the redline from this older version")
        parser.add_argument("--languages", default="", help="comma-separated, e.g. en,ko (default: all)")
        parser.add_argument("--layout", choices=[docx_export.SEQUENTIAL, docx_export.TABLE], default="sequential")
        parser.add_argument("--out", required=True, help="the .docx file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        declaration = Declaration.objects.filter(slug=options["slug"]).first()
        if declaration is None:
            raise CommandError(f"No declaration '{options['slug']}'.")

        def version(number: int) -> DeclarationVersion:
            found = declaration.versions.filter(number=number).first()
            if found is None:
                raise CommandError(f"'{declaration.slug}' has no version {number}.")
            return found

        compare_to = version(options["compare_to"]) if options["compare_to"] else None
        languages = [code for code in options["languages"].split(",") if code]
        try:
            data = docx_export.build_docx(
                declaration=declaration,
                version=version(options["number"]),
                compare_to=compare_to,
                languages=languages,
                layout=options["layout"],
            )
        except ValueError as error:
            raise CommandError(str(error)) from None
        Path(options["out"]).write_bytes(data)
        self.stdout.write(f"Wrote {options['out']} ({len(data):,} bytes).")
