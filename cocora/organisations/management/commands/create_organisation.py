from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from cocora.core.errors import ApplicationError
from cocora.organisations.context import set_db_context
from cocora.organisations.models import Role
from cocora.organisations.services import invitation_create, invitation_token, organisation_create


class Command(BaseCommand):
    help = "Creates an organisation and invites its first admin by email."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True)
        parser.add_argument("--slug", required=True, help="Short name used in addresses.")
        parser.add_argument("--admin-email", required=True)
        parser.add_argument("--country", default="DK", help="ISO 3166 code.")
        parser.add_argument("--language", default="en")
        parser.add_argument("--time-zone", default="Europe/Copenhagen")

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        try:
            organisation = organisation_create(
                name=options["name"],
                slug=options["slug"],
                country=options["country"],
                language=options["language"],
                time_zone=options["time_zone"],
            )
            set_db_context(organisation_id=organisation.pk, user_id=None)
            invitation = invitation_create(
                organisation=organisation,
                email=options["admin_email"],
                role=Role.ADMIN,
                invited_by=None,
            )
        except ApplicationError as error:
            raise CommandError(str(error.message)) from None
        self.stdout.write(
            self.style.SUCCESS(f"Created {organisation.name} (/o/{organisation.slug}/).")
        )
        self.stdout.write(
            f"Invitation sent to {invitation.email}. Token for the link /invitations/<token>/: "
            f"{invitation_token(invitation)}"
        )
