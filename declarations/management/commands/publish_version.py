from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from declarations.models import Declaration
from declarations.selectors import drifted_texts
from declarations.services.common import DeclarationError
from declarations.services.lifecycle import version_publish


class Command(BaseCommand):
    help = "Publish a declaration's current draft as the next named version; prints its number and SHA-256."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("--label", required=True, help="e.g. 'Revised draft'")
        parser.add_argument("--note", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            declaration = Declaration.objects.get(slug=options["slug"])
        except Declaration.DoesNotExist:
            raise CommandError(f"No declaration '{options['slug']}'.") from None
        for item in drifted_texts(declaration):
            self.stderr.write(f"warning: {item.clause.key} [{item.language}]: translation needs update")
        try:
            version = version_publish(declaration=declaration, label=options["label"], note=options["note"], by=None)
        except DeclarationError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"{version.number}\t{version.label}\t{version.content_hash}")
