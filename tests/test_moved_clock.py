"""`pytest --today` moves the clock of the suite and of the processes its tests start, so that a
moved-clock pass (make test-moved-clock, run in CI) really tests another day."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTEST = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/clock_probe.py"]


def _probe(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*PYTEST, *args],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("COCORA_TEST_CLOCK")},
            "COCORA_TEST_TODAY": "",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_option_moves_the_suite_and_its_child_processes_to_another_day():
    # A leap day just after midnight in Copenhagen: still 28 February in UTC.
    run = _probe("--today=2028-02-29T00:30+01:00", COCORA_PROBE_EXPECTED="2028-02-29T00:30+01:00")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "2 passed" in run.stdout


def test_the_environment_variable_moves_it_too_and_a_date_means_ten_in_the_morning():
    run = _probe(COCORA_TEST_TODAY="2027-03-28", COCORA_PROBE_EXPECTED="2027-03-28T10:00+00:00")
    assert run.returncode == 0, run.stdout + run.stderr


def test_without_the_option_the_probe_sees_the_real_day_and_fails():
    # The probe can fail: on the real clock it is not 29 February 2028.
    run = _probe(COCORA_PROBE_EXPECTED="2028-02-29T00:30+01:00")
    assert run.returncode == 1
    assert "2 failed" in run.stdout


def test_a_malformed_day_is_a_usage_error():
    run = _probe("--today=29.02.2028", COCORA_PROBE_EXPECTED="2028-02-29T00:30+01:00")
    assert run.returncode == 4
    assert "takes a date (2027-03-28)" in run.stderr
