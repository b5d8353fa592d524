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
    return sum(1 for sql in queries if not _bookkeeping(sql)), result


def queries_as_rows_grow(
    get: Callable[[], Any],
    add: Callable[[int, int], Any],
    shown: Callable[[Any], Any],
    *,
    totals: tuple[int, ...] = (5, 50),
) -> list[tuple[int, Any]]:
    """A page's queries as its rows grow: for each of `totals` in turn, `add(n, made)` adds n
    rows to the `made` there already, then `get()` asks for the page, which must answer 200.
    Returns (number of queries, `shown(response)`) at each total, for a test to hold that the
    queries do not grow with the rows while what the page shows does."""
    measured = []
    made = 0
    for total in totals:
        add(total - made, made)
        made = total
        count, response = count_queries(get)
        assert response.status_code == 200, response.status_code
        measured.append((count, shown(response)))
    return measured


def _bookkeeping(sql: str) -> bool:
    statement = sql.lstrip().upper()
    # Transaction control, and the session row moved forward (idle timeout, at most once a
    # minute): the same for every page, whatever it shows.
    return statement.startswith(_BOOKKEEPING) or statement.startswith('UPDATE "DJANGO_SESSION"')


def tenant_settings_queries() -> int:
    """Queries that set the user and organisation for a transaction: PostgreSQL only."""
    return 1 if connection.vendor == "postgresql" else 0


def api_tenant_settings_queries() -> int:
    """What a token request to the API spends on tenancy on PostgreSQL: the middleware's user,
    the token's hash, the token's person, and the organisation (each one `set_config`)."""
    return 4 * tenant_settings_queries()


def api_request_queries() -> int:
    """What every token request to the API costs before its own work: the token, and the
    caller's membership with its organisation, plus the tenancy settings on PostgreSQL."""
    return 2 + api_tenant_settings_queries()
