"""Plans and sends the reminders that are due, in this process, through the configured email
backend: the way to see reminders locally, where no Celery beat runs. With `make run` that
backend is the console, so the emails are printed here; with EMAIL_URL=smtp://localhost:1025 they
go to a local mail catcher.

    python manage.py send_reminders --now                     # what is due now
    python manage.py send_reminders --now 2026-12-07T08:00    # as if it were then (local time)

Session reminders are due in the 24 hours before a session, so a run sends the next day's. The
delivery log makes it safe to repeat: a second run sends nothing already sent.
"""

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from cocora.notifications.services import deliveries_send_now
from cocora.organisations.models import Organisation


def _backend() -> str:
    backend = str(settings.EMAIL_BACKEND)
    if backend.endswith("smtp.EmailBackend"):
        return f"SMTP at {settings.EMAIL_HOST}:{settings.EMAIL_PORT}"
    return backend.rsplit(".", 2)[-2]  # "console", "locmem", "filebased"


class Command(BaseCommand):
    help = "Plans and sends the reminders due now (the next day's session reminders) at once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--now",
            nargs="?",
            const="",
            default="",
            metavar="WHEN",
            help="Send what is due now, or as if it were WHEN (ISO date and time; without an "
            "offset it is each organisation's local time).",
        )
        parser.add_argument("--organisation", help="The slug of one organisation (default: all).")

    def handle(self, *args: Any, **options: Any) -> None:
        when = None
        if options["now"]:
            when = parse_datetime(options["now"])
            if when is None:
                raise CommandError(
                    f"{options['now']!r} is not a date and time: use e.g. 2026-12-07T08:00."
                )
        organisations = Organisation.objects.order_by("pk")
        if options["organisation"]:
            organisations = organisations.filter(slug=options["organisation"])
            if not organisations.exists():
                raise CommandError(f"No organisation {options['organisation']!r}.")
        totals = {"sent": 0, "skipped": 0, "failed": 0, "released": 0}
        count = 0
        for organisation in organisations:
            now = self._now(when, organisation)
            result = deliveries_send_now(organisation=organisation, now=now)
            count += 1
            for key in totals:
                totals[key] += getattr(result, key)
            self.stdout.write(
                f"{organisation.slug}: {result.sent} sent, {result.skipped} skipped, "
                f"{result.failed} failed, {result.released} put back for a later try"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Reminders: {totals['sent']} sent, {totals['skipped']} skipped, "
                f"{totals['failed']} failed, {totals['released']} put back, "
                f"in {count} organisation(s), through {_backend()}."
            )
        )

    @staticmethod
    def _now(when: datetime | None, organisation: Organisation) -> datetime:
        if when is None:
            return timezone.now()
        if timezone.is_naive(when):
            return when.replace(tzinfo=ZoneInfo(organisation.time_zone))
        return when
