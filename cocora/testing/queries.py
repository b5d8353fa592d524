"""Counting the queries a page or a write makes, without the transaction bookkeeping."""

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

_BOOKKEEPING = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "BEGIN", "COMMIT")


def count_queries(action: Callable[[], Any]) -> tuple[int, Any]:
    """Runs `action` and returns (number of real queries, its result)."""
    with CaptureQueriesContext(connection) as context:
        result = action()
    queries = [q["sql"] for q in context.captured_queries]
    return sum(1 for sql in queries if not sql.lstrip().upper().startswith(_BOOKKEEPING)), result


def tenant_settings_queries() -> int:
    """Queries that set the user and organisation for a transaction: PostgreSQL only."""
    return 1 if connection.vendor == "postgresql" else 0
