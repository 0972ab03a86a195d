"""`elkaar token EMAIL [EMAIL ...]`: a new personal API token for each address, for operators and scripts."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from elkaar.accounts import services
from elkaar.accounts.models import User


class Command(BaseCommand):
    help = "Maak een nieuw API-token voor elk e-mailadres en druk het af (e-mailadres, tab, token)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("emails", nargs="+", metavar="EMAIL", help="e-mailadres van een bestaand account")
        parser.add_argument("--name", default="opdrachtregel", help="naam van het token (standaard: opdrachtregel)")

    def handle(self, *args, emails: list[str], name: str, **options) -> None:
        try:
            issued = services.issue_api_tokens_for(emails, name)
        except User.DoesNotExist as unknown:
            raise CommandError(f"Geen actief account met e-mailadres {unknown}; er is geen token gemaakt.") from None
        except ValueError as invalid:
            raise CommandError(str(invalid)) from None
        for user, raw in issued:
            self.stdout.write(f"{user.email}\t{raw}")
