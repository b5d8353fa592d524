"""Prints a new personal access token, for scripts and tests:

manage.py create_api_token ada@example.org nordby --name "reporting" --read-only --days 30
"""

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from cocora.accounts.models import User
from cocora.api.services import api_token_create
from cocora.core.errors import ApplicationError
from cocora.organisations.context import org_context
from cocora.organisations.selectors import organisation_get_by_slug


class Command(BaseCommand):
    help = "Creates a personal access token for a member of an organisation and prints it once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("org_slug")
        parser.add_argument("--name", default="command line")
        parser.add_argument("--read-only", action="store_true")
        parser.add_argument("--days", type=int, default=None, help="Expires after this many days.")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = organisation_get_by_slug(slug=options["org_slug"])
        if organisation is None:
            raise CommandError(f"No organisation with the slug {options['org_slug']!r}.")
        user = User.objects.filter(email__iexact=options["email"]).first()
        if user is None:
            raise CommandError(f"No account with the email address {options['email']!r}.")
        days = options["days"]
        if days is not None and days < 1:
            raise CommandError("--days must be at least 1.")
        expires_at = timezone.now() + timedelta(days=days) if days else None
        try:
            with org_context(organisation.pk, user_id=user.pk):
                _token, raw = api_token_create(
                    organisation=organisation,
                    user=user,
                    name=options["name"],
                    read_only=options["read_only"],
                    expires_at=expires_at,
                )
        except ApplicationError as error:
            raise CommandError(str(error.message)) from None
        self.stdout.write(raw)
