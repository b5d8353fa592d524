from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cocora.core.inventory import render, undescribed

TARGET = Path(settings.BASE_DIR) / "docs" / "data-inventory.md"


class Command(BaseCommand):
    help = "Writes docs/data-inventory.md from the models and each app's inventory.py."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="Fail if the file is stale.")

    def handle(self, *args: Any, **options: Any) -> None:
        missing = undescribed()
        if missing:
            raise CommandError(
                "These models are not described in an inventory.py: " + ", ".join(missing)
            )
        text = render()
        if options["check"]:
            if not TARGET.exists() or TARGET.read_text() != text:
                raise CommandError(
                    "docs/data-inventory.md is out of date: run manage.py data_inventory."
                )
            return
        TARGET.write_text(text)
        self.stdout.write(f"Wrote {TARGET.relative_to(settings.BASE_DIR)}.")
