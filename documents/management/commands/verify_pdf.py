"""manage.py verify_pdf FILE — exit code 0 when authentic, 1 when not (as /verify/ decides)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from documents import selectors
from documents.forms import MAX_UPLOAD_BYTES
from documents.sealing import SealConfigurationError


class Command(BaseCommand):
    help = "Check that a PDF carries a valid Accord seal and is byte for byte a document Accord issued."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        if path.stat().st_size > MAX_UPLOAD_BYTES:
            raise CommandError("The file is larger than 20 MB; Accord never issues PDFs that large.")
        try:
            result = selectors.verify_upload(path.read_bytes())
        except SealConfigurationError as exc:
            raise CommandError(f"The seal is not configured: {exc}") from exc
        self.stdout.write(f"SHA-256 {result.sha256}")
        if result.authentic:
            summary = result.summary
            title = " / ".join(summary.get("title", {}).values())
            self.stdout.write(
                self.style.SUCCESS("AUTHENTIC")
                + f": {title}, version {summary.get('version_number')} ({summary.get('version_label')}), "
                f"{result.document.get_kind_display() if result.document else ''}"
            )
            for signatory in summary.get("signatories", []):
                party = " / ".join(signatory["party"].values())
                self.stdout.write(f"  signed: {party} — {signatory['printed_name']} ({signatory['signed_at']})")
            for adherent in summary.get("adherents", []):
                party = " / ".join(adherent["party"].values())
                self.stdout.write(f"  adhered: {party} — {adherent['printed_name']} ({adherent['adhered_on']})")
            if result.document and result.document.kind == "submission":
                self._edition(result)
            return
        self._not_authentic(result)

    def _edition(self, result: selectors.Verification) -> None:
        self.stdout.write(f"Edition {result.edition} of the signed record.")
        if result.newer_edition:
            self.stdout.write(
                self.style.WARNING("NEWER EDITION")
                + f": edition {result.latest_edition} exists; this file does not list the later adherences."
            )
        else:
            self.stdout.write("This is the latest edition.")

    def _not_authentic(self, result: selectors.Verification) -> None:
        verdict = self.style.ERROR("NOT AUTHENTIC")
        self.stdout.write(f"{verdict}: not an Accord document, or altered since it was issued")
        for problem in result.problems:
            self.stdout.write(f"  - {problem}")
        raise SystemExit(1)
