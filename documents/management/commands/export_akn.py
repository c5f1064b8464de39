from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from declarations import akn
from declarations.models import Declaration
from signing.akn import signatures_for


class Command(BaseCommand):
    help = "Write a published version in one language as Akoma Ntoso 3.0 XML (the signed text with its signatories)."

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        # --version names the declaration's version here (as the issue asks), not Django's version.
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("--version", type=int, required=True, dest="number", help="the version number")
        parser.add_argument("--language", default="", help="e.g. ko (default: the source language)")
        parser.add_argument("--out", required=True, help="the .xml file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        declaration = Declaration.objects.filter(slug=options["slug"]).first()
        if declaration is None:
            raise CommandError(f"No declaration '{options['slug']}'.")
        version = declaration.versions.filter(number=options["number"]).first()
        if version is None:
            raise CommandError(f"'{declaration.slug}' has no version {options['number']}.")
        language = options["language"] or version.snapshot.get("source_language") or declaration.source_language
        # The signed final text carries its signatories and their dates in the conclusions.
        signatures = signatures_for(version)
        try:
            data = akn.build_akn(declaration=declaration, version=version, language=language, signatures=signatures)
        except ValueError as error:
            raise CommandError(str(error)) from None
        Path(options["out"]).write_bytes(data)
        self.stdout.write(f"Wrote {options['out']} ({len(data):,} bytes, {len(signatures)} signatures).")
