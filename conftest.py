"""Suite-wide pytest set-up: real services where `make test` started them, loud about the rest."""

import os
import shutil

import pytest

from cocora.testing.require import service_missing

CHROMIUM = os.environ.get("COCORA_CHROMIUM", "/usr/bin/chromium")

pytest_plugins = ["cocora.testing.clock", "cocora.testing.fixtures"]


def _available() -> dict[str, tuple[bool, str]]:
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    return {
        "postgres": (
            engine == "django.db.backends.postgresql",
            "needs PostgreSQL with row-level security (make test starts one when initdb is "
            "installed: apt-get install postgresql)",
        ),
        "redis": (
            bool(os.environ.get("CELERY_BROKER_URL")),
            "needs Redis and a Celery worker (apt-get install redis-server)",
        ),
        "translations": (
            bool(shutil.which("msgfmt")),
            "needs gettext's msgfmt to compile the catalogues (apt-get install gettext)",
        ),
        "browser": (
            bool(shutil.which(CHROMIUM) or os.path.exists(CHROMIUM)),
            f"needs Chromium at {CHROMIUM} (apt-get install chromium)",
        ),
    }


_missing: dict[str, int] = {}


def pytest_runtest_setup(item: pytest.Item) -> None:
    for marker, (ok, reason) in _available().items():
        if item.get_closest_marker(marker) and not ok:
            _missing[reason] = _missing.get(reason, 0) + 1
            # Skipped with the reason on a machine without the service; a failure in CI.
            service_missing(f"this test {reason}")


def pytest_sessionstart(session: pytest.Session) -> None:
    # Compiled catalogues are not kept in the repository: the suite compiles them (only the
    # stale ones) so that pages and emails in other languages are tested for real. Without
    # msgfmt, the tests marked `translations` are reported as missing a service.
    if not shutil.which("msgfmt"):
        return
    from django.core.management import call_command
    from django.utils.translation import trans_real

    call_command("compilemessages", verbosity=0, ignore_patterns=[".venv/*", "var/*"])
    trans_real._translations = {}
    trans_real._default = None


def pytest_terminal_summary(terminalreporter, exitstatus, config):  # type: ignore[no-untyped-def]
    if not _missing:
        return
    terminalreporter.section("SERVICES MISSING", sep="!", red=True, bold=True)
    for reason, count in _missing.items():
        terminalreporter.write_line(f"{count} test(s) not run: {reason}", red=True, bold=True)


if os.environ.get("COCORA_TEST_DB_READY"):
    # The throwaway PostgreSQL database was created and migrated by the owner role before
    # pytest started (see cocora/testing/services.py); the suite connects as the runtime role,
    # which may neither create databases nor run migrations.
    @pytest.fixture(scope="session")
    def django_db_setup(django_db_blocker):  # type: ignore[no-untyped-def]
        yield
