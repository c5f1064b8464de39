from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from declarations.demo import DEMO_PASSWORD, demo_logins, seed_demo


class Command(BaseCommand):
    help = "Load the DETA manifesto and members; with DEBUG on, also the demo users. Idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print the demo logins.")

    def handle(self, *args: Any, **options: Any) -> None:
        # Known passwords must never exist on a production server.
        create_users = bool(settings.DEBUG)
        declaration = seed_demo(create_users=create_users, secretariat_member=create_users)
        self.stdout.write(f"Demo declaration: {declaration.slug}")
        if not create_users:
            self.stdout.write("DEBUG is off: demo users were not created.")
            return
        if not options["quiet_logins"]:
            self.stdout.write(f"Demo logins (password: {DEMO_PASSWORD}):")
            for login in demo_logins():
                self.stdout.write(f"  {login.username:<22} {login.role}")
