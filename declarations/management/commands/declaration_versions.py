from datetime import UTC
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from declarations.models import Declaration


class Command(BaseCommand):
    help = "List a declaration's published versions: number, label, published at (UTC), SHA-256."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            declaration = Declaration.objects.get(slug=options["slug"])
        except Declaration.DoesNotExist:
            raise CommandError(f"No declaration '{options['slug']}'.") from None
        for version in declaration.versions.order_by("number"):
            published = version.published_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            self.stdout.write(f"{version.number}\t{version.label}\t{published}\t{version.content_hash}")
