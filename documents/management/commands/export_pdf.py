"""manage.py export_pdf SLUG [--version N] [--languages en,ko] [--layout side-by-side|sequential] --out FILE"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from declarations.models import Declaration
from documents import selectors, services
from documents.models import Kind, Layout
from documents.sealing import SealConfigurationError


class Command(BaseCommand):
    help = (
        "Write a sealed PDF: the submission PDF once signing is closed, otherwise (or with --version) "
        "the PDF of a published version. The same request gives back the same registered file."
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        # `--version N` names a published version here, not Django's own version.
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument(
            "--version", type=int, dest="version_number", help="a published version number (default: see above)"
        )
        parser.add_argument("--languages", help="comma-separated, e.g. en,ko (default: the first two)")
        parser.add_argument("--layout", choices=[Layout.SIDE_BY_SIDE, Layout.SEQUENTIAL])
        parser.add_argument("--out", required=True, help="file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        declaration = Declaration.objects.filter(slug=options["slug"]).first()
        if declaration is None:
            raise CommandError(f"No declaration with slug {options['slug']!r}.")
        signing = selectors.submission_signing(declaration)
        if options["version_number"] is not None:
            version = declaration.versions.filter(number=options["version_number"]).first()
            if version is None:
                raise CommandError(f"{declaration.slug} has no version {options['version_number']}.")
            kind = Kind.SUBMISSION if signing is not None and signing.version_id == version.pk else Kind.DRAFT
        elif signing is not None:
            version, kind = signing.version, Kind.SUBMISSION
        else:
            version = declaration.versions.order_by("-number").first()
            if version is None:
                raise CommandError(f"{declaration.slug} has no published version.")
            kind = Kind.DRAFT
        languages = (
            [code.strip() for code in options["languages"].split(",") if code.strip()]
            if options["languages"]
            else selectors.default_languages(declaration, version)
        )
        try:
            document = services.document_issue(
                version=version, kind=kind, languages=languages, layout=options["layout"], by=None
            )
        except (services.ExportError, SealConfigurationError) as exc:
            raise CommandError(str(exc)) from exc
        with document.file.open("rb") as handle:
            Path(options["out"]).write_bytes(handle.read())
        self.stdout.write(
            f"Wrote {options['out']}: {document.get_kind_display()}, version {version.number}, "
            f"{'+'.join(document.languages)} ({document.layout}), {document.pages} pages, {document.size} bytes\n"
            f"SHA-256 {document.sha256}"
        )
