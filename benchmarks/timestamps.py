"""Reading timestamps from PostgreSQL: Django's loader against the one the application registers
(cocora/core/db.py), on the same 10,000 rows in the same run."""

import datetime
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.db.backends.postgresql.psycopg_any import BaseTzLoader

from cocora.core.db import TIMESTAMPTZ_OID, UtcTimestamptzLoader

ROWS = 10_000
# Starts at 16:00 Copenhagen time, one a hour; each row also has its end 90 minutes later.
QUERY = (
    "SELECT t, t + interval '90 minutes' FROM generate_series("
    "timestamptz '2026-01-05 16:00+01', timestamptz '2026-01-05 16:00+01' + %s * interval "
    "'1 hour', interval '1 hour') AS t"
)


class DjangosLoader(BaseTzLoader):
    timezone = datetime.UTC


def run(measure: Callable[[Callable[[], Any]], dict[str, float]]) -> dict[str, Any]:
    def read(loader: type) -> Callable[[], Any]:
        def run() -> Any:
            with connection.cursor() as cursor:
                cursor.cursor.adapters.register_loader(TIMESTAMPTZ_OID, loader)
                cursor.execute(QUERY, [ROWS - 1])
                rows = cursor.fetchall()
            assert len(rows) == ROWS and rows[0][0].tzinfo is datetime.UTC
            return rows

        return run

    results: dict[str, Any] = {
        "django": measure(read(DjangosLoader)),
        "c": measure(read(UtcTimestamptzLoader)),
    }
    assert read(DjangosLoader)() == read(UtcTimestamptzLoader)()
    results["ratio"] = round(results["django"]["median_ms"] / results["c"]["median_ms"], 1)
    return results


def table(results: dict[str, Any]) -> list[str]:
    values = 2 * ROWS
    django, c = results["django"]["median_ms"], results["c"]["median_ms"]
    return [
        f"Reading {values:,} timestamps ({ROWS:,} rows of two) in one query: {django} ms with "
        f"Django's loader, {c} ms with psycopg's C loader as registered by the application "
        f"({results['ratio']}× as fast; the same values, held equal by the benchmark).",
    ]
