"""Runs the suite on another day: `pytest --today=2027-03-28` or `COCORA_TEST_TODAY=2028-02-29`.

The clock of the test process (and of the Celery worker processes that tests start, through the
environment they inherit) is moved to that day at session start and keeps ticking from there, so a
test that depends on the real date without saying so fails on some day other than the one it was
written on. A date alone means 10:00 UTC on that day; a full ISO time with an offset
(`2027-03-28T01:30+01:00`) picks the moment, for the hours around midnight and daylight saving.

Tests that need a particular day still freeze it themselves (time-machine's `travel`), which nests
inside this one.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta

import pytest

ENV = "COCORA_TEST_TODAY"
# Set for child processes: the real epoch second at which the moved clock started, so that a
# worker started later moves to the same moment the test process has reached by then.
ORIGIN_ENV = "COCORA_TEST_CLOCK_ORIGIN"


def parse_moment(value: str) -> datetime:
    """The moment a `--today` value names; raises ValueError with the accepted forms."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(
            f"{ENV} / --today takes a date (2027-03-28) or an ISO time with an offset "
            f"(2027-03-28T01:30+01:00), not {value!r}"
        ) from None
    if len(value) == 10:  # a date alone
        return moment.replace(hour=10, tzinfo=UTC)
    if moment.tzinfo is None:
        raise ValueError(f"{ENV} / --today needs an offset with a time of day: {value!r}")
    return moment


_traveller: object | None = None


def travel_from_environment() -> object | None:
    """Moves this process's clock where the environment says; returns the time-machine
    traveller, or None when the clock is the real one. Called once the pytest process has read
    --today, and by the test settings in any process a moved-clock run starts (a Celery worker,
    a management command run as the database owner), so that they all live on the same day."""
    global _traveller
    value = os.environ.get(ENV)
    if not value or _traveller is not None:
        return _traveller
    import time_machine

    start = parse_moment(value)
    origin = float(os.environ.get(ORIGIN_ENV) or time.time())
    traveller = time_machine.travel(start + timedelta(seconds=time.time() - origin), tick=True)
    traveller.start()
    _traveller = traveller
    return traveller


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--today",
        default=None,
        help=f"run the suite as if it were this day (or ISO moment); also {ENV}",
    )


def pytest_configure(config: pytest.Config) -> None:
    value = config.getoption("--today") or os.environ.get(ENV)
    if not value:
        return
    try:
        parse_moment(value)
    except ValueError as error:
        raise pytest.UsageError(str(error)) from None
    os.environ[ENV] = value
    os.environ[ORIGIN_ENV] = repr(time.time())
    config._cocora_clock = travel_from_environment()  # type: ignore[attr-defined]


def pytest_report_header(config: pytest.Config) -> str | None:
    if getattr(config, "_cocora_clock", None) is None:
        return None
    return f"clock moved: the suite runs as if it were {datetime.now(UTC).isoformat()}"


def pytest_unconfigure(config: pytest.Config) -> None:
    traveller = getattr(config, "_cocora_clock", None)
    if traveller is not None:
        traveller.stop()  # type: ignore[attr-defined]
