"""Rendered parts of pages kept until the organisation's data changes.

A part (the home page's panels, the content of a cohort's page or of a session's attendance
page, for one member) is kept in the worker process's own memory, never in a shared cache: it
holds names and figures about young people, and the memory of the process that rendered it is
the only place it already was. Its key holds a *version* of the
organisation's data and one of everything outside organisations; both live in the default
cache, shared by every worker and task process, so that a change made anywhere reaches all of
them.

A version moves on every write made through Django's database connection, whatever made it (the
ORM, a bulk write, raw SQL): the connection watches its own statements. A write to a tenant
table moves the version of the organisation the connection works for (`set_db_context`); a
write to any other table (users, for example, whose names the panels show) moves the version of
everything. Writes to the tables that no part shows (`QUIET_TABLES`: sessions, the audit trail,
sign-in events, email deliveries, notifications, API tokens; and a sign-in's `last_login`) move
nothing, and a part whose render reads one of those tables is not kept. The move
happens after the transaction commits, so that a render in another process
cannot store what it read before the change under the new version. A connection that has
written in its open transaction reads and keeps nothing from here, since what it would find was
rendered without its own change.

What the key does not hold, the part must not depend on: the key has what the page names (the
member and the organisation as the page read them before the versions, the cohort, the query
string, a digest of the form token where the part holds a form), the language, the time zone,
and the current five-minute window (`WINDOW_SECONDS`), so that what depends on the clock ("the
next seven days", a session log now due) is at most that late. Each entry is dropped at the
end of its window anyway. Only GET requests read kept parts. The user is in the key by the
member alone: a part shows nothing of the signed-in person's own record or of the layout's
counts (unread notifications), which the page read before the versions.

If the shared cache cannot be reached, parts are rendered as if nothing were kept; a version
that could not be moved leaves the parts of that organisation at most one window late.
"""

import hashlib
import logging
import re
import time
import uuid
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache, caches
from django.db import DEFAULT_DB_ALIAS, connections
from django.middleware.csrf import get_token
from django.utils import timezone, translation

logger = logging.getLogger(__name__)

T = TypeVar("T")

LOCAL_CACHE = "pages"
WINDOW_SECONDS = 300
EVERYTHING = "all"
# Tables that no kept part shows: a write to one moves no version, and a part whose render reads
# one is not kept. Sessions are written on their own schedule (once a minute per signed-in
# user); the audit trail and the sign-in events are written by reads (a young person's record
# viewed, an outsider's refused visit, a failed sign-in), so that moving versions for them would
# empty the kept parts whenever anyone looked at anything, and would let anyone who can fail a
# sign-in empty every organisation's. The email deliveries are written all through a reminder
# run (planned, claimed, sent or failed, batch by batch); a notification when someone opens it
# (read); an API token when it is used (at most once a minute): none of them is content of a
# kept part (the layout's unread count is read before the versions), and each moved every
# kept part of the organisation.
QUIET_TABLES = frozenset(
    {
        "django_session",
        "audit_auditevent",
        "audit_signinevent",
        "notifications_delivery",
        "notifications_notification",
        "api_apitoken",
    }
)
_QUIET_READ = re.compile(r"\b(?:" + "|".join(sorted(QUIET_TABLES)) + r")\b", re.I)
# A sign-in writes when it happened to the user's row (Django's `update_last_login`), which is
# outside every organisation and would move every organisation's version at every sign-in. No
# page shows it (only the operators' admin site; a test holds that no other code reads it), so
# that statement, exactly as Django writes it, moves nothing.
_SIGN_IN_STAMP = re.compile(
    r'\s*UPDATE "accounts_user" SET "last_login" = %s WHERE "accounts_user"\."id" = %s\s*$'
)

_READS = (
    "SELECT",
    "SAVEPOINT",
    "RELEASE",
    "ROLLBACK",
    "BEGIN",
    "COMMIT",
    "SET ",
    "SHOW",
    "EXPLAIN",
)
_WRITE_TABLE = re.compile(r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([A-Za-z0-9_]+)"?', re.I)
_tenant_tables: frozenset[str] | None = None


def _version_key(scope: Hashable) -> str:
    return f"data-version:{scope}"


def tenant_tables() -> frozenset[str]:
    global _tenant_tables
    if _tenant_tables is None:
        from .rls import tenant_models

        _tenant_tables = frozenset(model._meta.db_table for model in tenant_models())
    return _tenant_tables


def set_working_organisation(connection: Any, organisation_id: int | str | None) -> None:
    """Which organisation the connection's writes are for (kept beside the database setting)."""
    connection.cocora_organisation_id = int(organisation_id) if organisation_id else None


def forget_working_organisation(**kwargs: Any) -> None:
    """`request_started` / `task_prerun` receiver: a new request or task works for nobody yet."""
    for connection in connections.all(initialized_only=True):
        set_working_organisation(connection, None)


def scope_of(sql: str, organisation_id: int | None) -> Hashable | None:
    """Whose version a statement moves: an organisation's, everything's, or nobody's (a read)."""
    head = sql.lstrip()[:9].upper()
    if head.startswith(_READS):
        return None
    match = _WRITE_TABLE.match(sql)
    if match is None:
        return EVERYTHING  # a statement we cannot read the table of: assume the worst
    table = match.group(1)
    if table in QUIET_TABLES or _SIGN_IN_STAMP.match(sql):
        return None
    if table in tenant_tables() and organisation_id is not None:
        return organisation_id
    return EVERYTHING


class _MoveVersion:
    """An on-commit callback that moves one scope's version; marks the transaction as written."""

    def __init__(self, scope: Hashable) -> None:
        self.scope = scope

    def __call__(self) -> None:
        move_version(self.scope)


def pending_moves(connection: Any) -> list[_MoveVersion]:
    """The version moves waiting for the open transaction's commit."""
    return [
        func for _sids, func, _robust in connection.run_on_commit if isinstance(func, _MoveVersion)
    ]


def has_uncommitted_writes(connection: Any) -> bool:
    return bool(pending_moves(connection))


class WriteWatcher:
    """An execute wrapper on every connection: notes which versions its writes move."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        render = getattr(self.connection, "cocora_kept_render", None)
        if render is not None and _QUIET_READ.search(sql):
            render.read_quiet_table = True
        result = execute(sql, params, many, context)
        try:
            scope = scope_of(sql, getattr(self.connection, "cocora_organisation_id", None))
        except Exception:  # a statement we cannot read: assume the worst
            scope = EVERYTHING
        if scope is not None:
            self.written(scope)
        return result

    def written(self, scope: Hashable) -> None:
        connection = self.connection
        if not connection.in_atomic_block:
            move_version(scope)
            return
        if any(func.scope == scope for func in pending_moves(connection)):
            return
        # First of the commit's callbacks, and robust: a callback before it that fails (a task
        # that cannot be queued) stops the ones after it, and the version must move anyway.
        connection.run_on_commit.insert(
            0, (set(connection.savepoint_ids), _MoveVersion(scope), True)
        )


def watch_writes(sender: Any, connection: Any, **kwargs: Any) -> None:
    """`connection_created` receiver."""
    if not any(isinstance(wrapper, WriteWatcher) for wrapper in connection.execute_wrappers):
        connection.execute_wrappers.append(WriteWatcher(connection))


def move_version(scope: Hashable) -> None:
    try:
        cache.set(_version_key(scope), uuid.uuid4().hex, timeout=None)
    except Exception:  # the shared cache is down: parts stay at most one window late
        logger.warning("Could not move the data version of %s.", scope, exc_info=True)


def versions(*scopes: Hashable) -> list[str]:
    keys = [_version_key(scope) for scope in scopes]
    found = cache.get_many(keys)
    missing = [key for key in keys if key not in found]
    if missing:
        # A fresh token rather than a counter from zero: after the shared cache is emptied, no
        # version can come back equal to one that entries were kept under.
        for key in missing:
            cache.add(key, uuid.uuid4().hex, timeout=None)
        found.update(cache.get_many(missing))
    return [found[key] for key in keys]


def form_token(request: Any) -> str:
    """A key part for a part that holds a form: a digest of the visitor's CSRF secret (made if
    they have none yet, as rendering the form would), so that nobody is given a form whose
    token is another's or their previous sign-in's."""
    get_token(request)
    return hashlib.sha256(request.META["CSRF_COOKIE"].encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Stamp:
    """The data versions as a page read them, before it read anything its kept part shows: a
    change that commits after this moment is missing from no part kept under it."""

    organisation: Any
    versions: list[str] | None


def stamp(request: Any, organisation: Any) -> Stamp:
    """Reads the versions for `kept`; call it before reading the page's own objects."""
    connection = connections[DEFAULT_DB_ALIAS]
    if (
        not settings.COCORA_PAGE_CACHE
        or request.method != "GET"
        or has_uncommitted_writes(connection)
    ):
        return Stamp(organisation, None)
    try:
        return Stamp(organisation, versions(organisation.pk, EVERYTHING))
    except Exception:  # the shared cache is down: render as if nothing were kept
        logger.warning("Could not read the data versions.", exc_info=True)
        return Stamp(organisation, None)


_window_cleared = 0


def _local_cache(window: int) -> Any:
    """The process's kept parts; emptied when a new window begins, since no key of an earlier
    window is asked for again, and an entry that is never asked for again would otherwise stay
    in memory until the cache is full."""
    global _window_cleared
    local = caches[LOCAL_CACHE]
    if window != _window_cleared:
        local.clear()
        _window_cleared = window
    return local


def member_parts(request: Any, membership: Any, *parts: Hashable) -> tuple[Hashable, ...]:
    """The key parts of what one member is shown: the member as the page read them (their role
    among it; read before the versions, like the organisation), what the page names, and their
    form token (a kept part may hold a form)."""
    return (*_as_loaded(membership), *parts, form_token(request))


@dataclass
class _Render:
    """What the connection did while a part rendered."""

    read_quiet_table: bool = False


def _watched(render: Callable[[], T]) -> tuple[T, bool]:
    """`render()`, and whether what it returned may be kept: not when it read a table whose
    writes move no version, nor when it wrote (it would keep its own uncommitted change)."""
    connection: Any = connections[DEFAULT_DB_ALIAS]
    outer = getattr(connection, "cocora_kept_render", None)
    watch = connection.cocora_kept_render = _Render()
    try:
        value = render()
    finally:
        connection.cocora_kept_render = outer
        if outer is not None and watch.read_quiet_table:
            outer.read_quiet_table = True
    return value, not watch.read_quiet_table and not has_uncommitted_writes(connection)


def _as_loaded(instance: Any) -> list[Any]:
    """The values of a model instance's columns as they were read (none read again): the page
    read the organisation before the versions, so its settings (time zone, consent age,
    small-cell threshold...) go into the key, and a change of them that commits in between
    cannot be kept under the new version."""
    return [instance.__dict__.get(field.attname) for field in instance._meta.concrete_fields]


def kept(name: str, *, stamp: Stamp, parts: tuple[Hashable, ...], render: Callable[[], T]) -> T:
    """What `render()` returns, kept under the versions `stamp` read, for what `parts` name.
    Only a GET is answered from here: a page shown again with a form's errors is rendered.
    The connection is asked again whether it has written since the stamp: a view that wrote in
    between would render its own uncommitted change."""
    if stamp.versions is None or has_uncommitted_writes(connections[DEFAULT_DB_ALIAS]):
        return render()
    window = int(time.time() // WINDOW_SECONDS)
    # repr() of the tuple, not the parts joined: free text among them (the organisation's
    # contact details) cannot make two different tuples read alike.
    key = repr(
        (
            name,
            stamp.organisation.pk,
            *_as_loaded(stamp.organisation),
            *stamp.versions,
            window,
            translation.get_language(),
            timezone.get_current_timezone_name(),
            *parts,
        )
    )
    key = hashlib.sha256(key.encode()).hexdigest()
    local = _local_cache(window)
    value = local.get(key)
    if value is None:
        value, keep = _watched(render)
        if keep:
            local.set(key, value, timeout=WINDOW_SECONDS)
    return value  # type: ignore[no-any-return]
