"""The organisation (and user) that the database may show rows of, for one transaction.

On PostgreSQL the values are set with `set_config(..., true)`: they last until the end of the
current transaction and never leak to the next request through a pooled connection. Row-level
security policies read them; with nothing set, a tenant table shows no rows at all.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from django.db import connection, transaction
from django.utils import timezone

ORG_SETTING = "cocora.organisation_id"
USER_SETTING = "cocora.user_id"

P = ParamSpec("P")
R = TypeVar("R")


def _uses_rls() -> bool:
    return connection.vendor == "postgresql"


def current_db_context() -> tuple[str, str]:
    """The organisation id and user id set for this transaction ('' where unset)."""
    if not _uses_rls():
        return "", ""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting(%s, true), current_setting(%s, true)",
            [ORG_SETTING, USER_SETTING],
        )
        org_id, user_id = cursor.fetchone()
    return org_id or "", user_id or ""


def set_db_context(*, organisation_id: int | str | None, user_id: int | str | None) -> None:
    """Sets who the current transaction works for. Must run inside a transaction."""
    from .page_cache import set_working_organisation

    if not _uses_rls():
        set_working_organisation(connection, organisation_id)
        return
    if not connection.in_atomic_block:
        raise RuntimeError("The tenant context can only be set inside a transaction.")
    set_working_organisation(connection, organisation_id)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config(%s, %s, true), set_config(%s, %s, true)",
            [
                ORG_SETTING,
                "" if organisation_id is None else str(int(organisation_id)),
                USER_SETTING,
                "" if user_id is None else str(int(user_id)),
            ],
        )


@contextmanager
def org_context(organisation_id: int, *, user_id: int | None = None) -> Iterator[None]:
    """Runs a block for one organisation, in a transaction, in its time zone. Restores what was
    set before, so that nested use (a task calling another task eagerly) cannot widen access."""
    from .models import Organisation

    with transaction.atomic():
        previous = current_db_context()
        set_db_context(organisation_id=organisation_id, user_id=user_id)
        organisation = Organisation.objects.get(pk=organisation_id)
        try:
            with timezone.override(organisation.time_zone):
                yield
        finally:
            restore_db_context(previous)


def restore_db_context(previous: tuple[str, str]) -> None:
    """Sets back what `current_db_context()` read before a block. After an error that rolled the
    block back, no statement can run, and PostgreSQL's savepoint rollback has restored the
    setting itself; the connection's note of its organisation (for the kept parts of pages)
    follows either way."""
    from .page_cache import set_working_organisation

    if connection.in_atomic_block and not connection.needs_rollback:
        set_db_context(organisation_id=previous[0] or None, user_id=previous[1] or None)
    else:
        set_working_organisation(connection, previous[0] or None)


def org_task(func: Callable[P, R]) -> Callable[P, R]:
    """Wraps a task body whose first argument is an organisation id: the body runs inside that
    organisation's context and sees no other organisation's rows."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> R:
        organisation_id = kwargs["organisation_id"] if "organisation_id" in kwargs else args[0]
        with org_context(int(organisation_id)):
            return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
