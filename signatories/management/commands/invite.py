from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from signatories.models import Membership, Party, Secretariat
from signatories.people import PeopleError, invitation_create


class Command(BaseCommand):
    help = "E-mail an invitation to a secretariat (--secretariat NAME) or to a party (--party KEY --role ROLE)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--secretariat", help="Name or short name of the secretariat.")
        parser.add_argument("--party", help="Key of the party.")
        parser.add_argument("--role", choices=Membership.Role.values)
        parser.add_argument("--language", default="", help="Language of the e-mail (en, ko).")

    def handle(self, *args: Any, **options: Any) -> None:
        secretariat = party = None
        if bool(options["secretariat"]) == bool(options["party"]):
            raise CommandError("Give either --secretariat NAME or --party KEY --role ROLE.")
        if options["secretariat"]:
            name = options["secretariat"]
            secretariat = (
                Secretariat.objects.filter(name__iexact=name).first() or Secretariat.objects.filter(slug=name).first()
            )
            if secretariat is None:
                raise CommandError(f"No secretariat named '{name}'.")
        else:
            party = Party.objects.filter(key=options["party"]).first()
            if party is None:
                raise CommandError(f"No party with the key '{options['party']}'.")
            if not options["role"]:
                raise CommandError("Give --role for a party invitation.")
        try:
            invitation = invitation_create(
                email=options["email"],
                secretariat=secretariat,
                party=party,
                role=options["role"] or "",
                language=options["language"],
                by=None,
            )
        except PeopleError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Invited {invitation.email} ({invitation.role_label()}, {invitation.place()}).")
