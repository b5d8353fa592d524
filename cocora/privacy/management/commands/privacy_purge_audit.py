"""Removes audit events older than each organisation's audit period.

The audit trail is append-only for the application's database role, so the nightly retention
run only counts what is due. An operator runs this command with DATABASE_URL pointing at the
owner role (the one that runs migrations), e.g. monthly:

    DATABASE_URL=postgres://cocora_owner@db/cocora python manage.py privacy_purge_audit
"""

import logging
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from cocora.organisations.context import org_context
from cocora.organisations.models import Organisation
from cocora.privacy.services import audit_events_purge

logger = logging.getLogger(__name__)
INSUFFICIENT_PRIVILEGE = "42501"


class Command(BaseCommand):
    help = "Deletes audit events past each organisation's audit retention period (owner role)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Only count what is due; change nothing."
        )
        parser.add_argument("--organisation", help="The slug of one organisation (default: all).")

    def handle(self, *args: Any, **options: Any) -> None:
        organisations = Organisation.objects.order_by("pk")
        if options["organisation"]:
            organisations = organisations.filter(slug=options["organisation"])
            if not organisations.exists():
                raise CommandError(f"No organisation {options['organisation']!r}.")
        total = 0
        for organisation in organisations:
            try:
                with org_context(organisation.pk):
                    count = audit_events_purge(
                        organisation=organisation, dry_run=options["dry_run"]
                    )
            except DatabaseError as error:
                if getattr(error.__cause__, "sqlstate", None) == INSUFFICIENT_PRIVILEGE:
                    raise CommandError(
                        "This database role may not delete audit events (the trail is "
                        "append-only for the application). Run the command with DATABASE_URL "
                        "pointing at the owner role."
                    ) from error
                raise
            total += count
            verb = "due" if options["dry_run"] else "deleted"
            logger.info(
                "privacy: audit events %s for organisation %s: %s", verb, organisation.pk, count
            )
            self.stdout.write(f"{organisation.slug}: {count} audit event(s) {verb}")
        self.stdout.write(f"Total: {total}")
