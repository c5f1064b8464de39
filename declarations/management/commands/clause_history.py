from datetime import UTC
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from declarations.models import Clause
from declarations.selectors import clause_revisions


class Command(BaseCommand):
    help = "Print every revision of one clause, per language: revision, time (UTC), user, reason."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("key", help="the clause key, e.g. recommendation-5")
        parser.add_argument("--text", action="store_true", help="also print each revision's text")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            clause = Clause.objects.get(declaration__slug=options["slug"], key=options["key"])
        except Clause.DoesNotExist:
            raise CommandError(f"No clause '{options['key']}' in '{options['slug']}'.") from None
        for language, revisions in clause_revisions(clause).items():
            for rev in reversed(revisions):
                if not rev.text_changed:
                    continue
                when = rev.when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
                user = rev.user.get_username() if rev.user else "-"
                self.stdout.write(f"{language}\t{rev.revision}\t{when}\t{user}\t{rev.reason}")
                if options["text"]:
                    self.stdout.write(f"\t{rev.text}")
