"""Check a declaration's signing audit trail: exit 0 with OK, or non-zero naming the first broken entry."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from declarations.models import Declaration
from signatories.signing.audit import audit_verify


class Command(BaseCommand):
    help = "Verify the hash chain of a declaration's signing audit trail."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")

    def handle(self, *args: Any, slug: str, **options: Any) -> None:
        declaration = Declaration.objects.filter(slug=slug).first()
        if declaration is None:
            raise CommandError(f"No declaration '{slug}'.")
        check = audit_verify(declaration)
        if not check.ok:
            raise CommandError(f"BROKEN at entry id {check.broken_id}: {check.problem}")
        self.stdout.write(f"OK: {check.entries} entries, hash chain intact.")
