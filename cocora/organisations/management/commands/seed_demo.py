"""Demo data: two organisations with one user per role. Idempotent.

Domain apps add their own demo data through a `demo.py` module with a function
`seed(*, organisation, users, stdout)`, discovered here, so that the core imports no domain app.
"""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.module_loading import autodiscover_modules

from cocora.accounts.models import User
from cocora.accounts.services import user_create
from cocora.organisations.context import org_context
from cocora.organisations.models import Membership, Organisation, Role

DEMO_PASSWORD = "demo-pass-2024"  # noqa: S105 - published demo credentials
DEMO_ORGANISATIONS = [
    {
        "slug": "nordby",
        "name": "Nordby Kommune · Ungdomsskolen",
        "country": "DK",
        "language": "da",
        "time_zone": "Europe/Copenhagen",
    },
    {
        "slug": "suedstadt",
        "name": "Südstadt Miteinander e. V.",
        "country": "DE",
        "language": "de",
        "time_zone": "Europe/Berlin",
    },
]
ROLE_NAMES = {
    "nordby": {
        Role.ADMIN: "Mette Admin",
        Role.COORDINATOR: "Jonas Koordinator",
        Role.TRAINER: "Sara Træner",
        Role.AMBASSADOR: "Ali Ambassadør",
        Role.PARTNER: "Karen Partner",
    },
    "suedstadt": {
        Role.ADMIN: "Petra Admin",
        Role.COORDINATOR: "Deniz Koordination",
        Role.TRAINER: "Lena Trainerin",
        Role.AMBASSADOR: "Yusuf Botschafter",
        Role.PARTNER: "Thomas Partner",
    },
}


class Command(BaseCommand):
    help = "Creates the demo organisations nordby and suedstadt with one user per role."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG off (never in production)."
        )
        parser.add_argument(
            "--scale",
            type=int,
            default=0,
            help="Also add a large cohort of this many participants to nordby, for measuring.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "seed_demo creates users with a published password. It refuses to run with "
                "DEBUG off; pass --force if this really is a demo or test installation."
            )
        autodiscover_modules("demo")
        from cocora.organisations import demo_registry

        for spec in DEMO_ORGANISATIONS:
            with transaction.atomic():
                organisation, _ = Organisation.objects.get_or_create(
                    slug=spec["slug"], defaults={k: v for k, v in spec.items() if k != "slug"}
                )
            with org_context(organisation.pk):
                users = self._users(organisation)
                for seeder in demo_registry.seeders:
                    seeder(
                        organisation=organisation,
                        users=users,
                        scale=options["scale"] if organisation.slug == "nordby" else 0,
                        stdout=self.stdout,
                    )
        self._print_logins()

    def _users(self, organisation: Organisation) -> dict[str, User]:
        users = {}
        for role in Role:
            email = f"{role.value}@{organisation.slug}.example"
            user = User.objects.filter(email=email).first()
            if user is None:
                user = user_create(
                    email=email,
                    password=DEMO_PASSWORD,
                    name=ROLE_NAMES[organisation.slug][role],
                )
            Membership.objects.for_org(organisation).get_or_create(
                organisation=organisation, user=user, defaults={"role": role.value}
            )
            users[role.value] = user
        return users

    def _print_logins(self) -> None:
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Sign in with:"))
        for spec in DEMO_ORGANISATIONS:
            for role in Role:
                self.stdout.write(
                    f"  {role.value}@{spec['slug']}.example".ljust(34) + DEMO_PASSWORD
                )
