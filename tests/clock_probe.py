"""Run only by tests/test_moved_clock.py, in a pytest started with --today (the name keeps the
suite from collecting it on its own)."""

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.utils import timezone

EXPECTED = datetime.fromisoformat(os.environ["COCORA_PROBE_EXPECTED"])


def test_the_test_process_lives_on_the_moved_day():
    assert abs(timezone.now() - EXPECTED) < timedelta(minutes=5)
    assert abs(datetime.now(UTC) - EXPECTED) < timedelta(minutes=5)


def test_a_process_started_by_a_test_lives_on_the_same_day():
    printed = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.utils import timezone; "
            "print(timezone.now().isoformat())",
        ],
        cwd=Path(__file__).resolve().parent.parent,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "cocora.settings.test"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert abs(datetime.fromisoformat(printed) - EXPECTED) < timedelta(minutes=5)
