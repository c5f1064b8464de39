from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from signatories.people import PeopleError, secretariat_create


class Command(BaseCommand):
    help = "Create a secretariat (an organisation whose members run declarations)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            secretariat = secretariat_create(name=options["name"], by=None)
        except PeopleError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Created secretariat '{secretariat.name}' ({secretariat.slug}).")
