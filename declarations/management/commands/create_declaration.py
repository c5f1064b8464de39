from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from declarations.creation import CreationError, declaration_create, pick_secretariat, read_upload


class Command(BaseCommand):
    help = "Create a declaration for a secretariat from a .json (interchange), .docx or .md file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="path", type=Path, required=True)
        parser.add_argument("--secretariat", help="Name of the secretariat (default: the only one).")
        parser.add_argument("--title", default="", help="Title in the source language (.docx, .md).")
        parser.add_argument("--languages", default="en", help="Comma-separated language codes (.docx, .md).")
        parser.add_argument("--source-language", default="", help="Default: the first of --languages.")
        parser.add_argument("--slug", default="", help="Short name in URLs (default: from the title).")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        languages = [code.strip() for code in options["languages"].split(",") if code.strip()]
        source = options["source_language"] or (languages[0] if languages else "")
        title = options["title"] or path.stem.replace("-", " ").replace("_", " ")
        try:
            secretariat = pick_secretariat(options["secretariat"])
            draft = read_upload(
                name=path.name,
                size=path.stat().st_size,
                read=path.read_bytes,
                title={source: title},
                languages=languages,
                source=source,
            )
            declaration = declaration_create(draft=draft, secretariat=secretariat, by=None, slug=options["slug"])
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from exc
        except CreationError as exc:
            raise CommandError(f"{exc} Nothing was created.") from exc
        self.stdout.write(
            f"Created '{declaration.slug}' for {secretariat.name}: {draft.clause_count()} clauses, "
            f"{draft.moved_count()} numbers moved out of the text."
        )
