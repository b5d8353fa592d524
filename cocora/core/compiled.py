"""Reads whose SQL is built once per process: `compiled_read`.

Django builds and compiles a queryset's SQL at every evaluation. For the small reads a page
makes, that costs several times what the database takes to answer: the member's organisations,
read at every organisation page, take about 2 ms through the ORM against 0.2 ms for the same
SQL executed (docs/performance.md, "Compiled reads"). A compiled read builds its queryset once
per process, keeps the SQL, and at each call executes it with that call's values; the rows
become model objects (or tuples, for `values_list`) exactly as the ORM makes them.

    @compiled_read
    def _sessions_of_cohort() -> QuerySet[Session]:
        return (
            Session.objects.for_org(Param("organisation"))
            .filter(cohort_id=Param("cohort"))
            .order_by("starts_at", "pk")
        )

    sessions = _sessions_of_cohort(organisation=organisation.pk, cohort=cohort.pk)

The rules, which keep one call's values out of another's answer:
- The builder takes no arguments (or only constants, bound with `functools.partial`: one read
  per role, say). Every value that differs between calls is a `Param`, given by name at the
  call; a call that leaves one out is refused. Values the read does not name are ignored, so
  that the variants of one read are called alike.
- Everything else in the builder is fixed for the life of the process: constants of the code
  (statuses, orderings, a `[:1]`), never the time, the language or a request's state.
- A read of a tenant table names the organisation with `for_org(Param("organisation"))` in
  its own conditions (not only in a subquery's); the build fails otherwise. The one exception
  says so (`across_organisations=True`: the member's own memberships, which row-level
  security allows across organisations).
- No slicing in the builder (Django writes a slice's bounds into the SQL). A page is read with
  `read.rows(...)[start:stop]`, which gives the bounds as values; the paginator is given the
  count (`page_of(..., count=...)`).
- Integer values are ids that a row must equal. An id beyond its column's range finds nothing,
  as Django's lookups answer (a 404, not a database error).

The SQL is kept per time zone and language, so that
nothing the ORM writes into SQL from the active settings is reused under others. Each call runs
on its own thread's connection, through its cursor like any query: row-level security, the
statement watchers and the tests' query counts see it as before.
"""

import copy
import threading
from collections.abc import Callable
from contextvars import ContextVar
from functools import partial
from typing import Any, Generic, TypeVar

from django.db import connections, models
from django.db.models import Expression
from django.db.models.lookups import Exact
from django.db.models.sql.where import AND, WhereNode
from django.utils import timezone, translation

T = TypeVar("T")

# The values of a read being built afresh, for its `Param`s to resolve to.
_bound: ContextVar[dict[str, Any] | None] = ContextVar("compiled_read_values", default=None)

# Every compiled read made in this process.
every_read: list["CompiledRead[Any]"] = []


class Param(Expression):
    """A value of a compiled read, supplied by name at each call. It is prepared for the database
    as `output_field` prepares a value (an id by default; a `DateField()` for a date, ...).

    While a read is built afresh (`CompiledRead.built_afresh`), `Param(name)` is that call's
    value itself, so that the queryset is a plain one, as the ORM builds it without this
    module."""

    def __new__(cls, name: str = "", output_field: "models.Field[Any, Any] | None" = None) -> Any:
        if not name:  # A copy being made (queries copy their expressions).
            return super().__new__(cls)
        bound = _bound.get()
        if bound is not None:
            return bound[name]
        return super().__new__(cls, name, output_field)

    def __init__(self, name: str, output_field: "models.Field[Any, Any] | None" = None) -> None:
        super().__init__(output_field=output_field or models.BigIntegerField())
        self.name = name

    def resolve_expression(self, *args: Any, **kwargs: Any) -> "Param":
        return self

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        # The placeholder's parameter is this object: the call puts its value in its place.
        return "%s", [self]

    def get_group_by_cols(self) -> list[Any]:
        return []


class _Template:
    """A read's queryset, its compiler as the first compilation left it (the columns and how
    they map to objects) and its SQL with the `Param`s among the parameters."""

    def __init__(self, queryset: models.QuerySet[Any]) -> None:
        if queryset.query.is_sliced and not queryset.query.high_mark == 1:
            # `[:1]` is fine (a constant); anything else is most likely a page.
            raise ValueError("A compiled read is not sliced, except [:1].")
        self.queryset = queryset
        self.compiler = queryset.query.get_compiler(using=queryset.db)
        self.sql, self.params = self.compiler.as_sql()
        self.names = {p.name for p in self.params if isinstance(p, Param)}

    def run(
        self, values: dict[str, Any], *, offset: int = 0, limit: int | None = None
    ) -> list[Any]:
        missing = self.names - values.keys()
        if missing:
            raise TypeError(f"This read needs {sorted(missing)} as well.")
        # This thread's connection: the kept compiler holds the one of the thread that built
        # it, which may be another request's, or closed.
        connection = connections[self.queryset.db]
        params = []
        for param in self.params:
            if not isinstance(param, Param):
                params.append(param)
                continue
            field = param.output_field
            value = field.get_db_prep_value(values[param.name], connection)
            if isinstance(field, models.IntegerField):
                low, high = connection.ops.integer_field_range(field.get_internal_type())
                if not (low is None or low <= value) or not (high is None or value <= high):
                    # An id no column can hold finds nothing (a 404), as Django's own lookups
                    # answer, not a database error. Integer values of compiled reads are ids
                    # that a row must equal (the module's rules).
                    return []
            params.append(value)
        compiler = copy.copy(self.compiler)
        compiler.connection = connection
        sql = self.sql
        if limit is not None:
            # A page: its bounds are values too (PostgreSQL and SQLite both take them so).
            if self.queryset.query.is_sliced or not self.queryset.ordered:
                raise ValueError("A page is read from an ordered read that is not sliced.")
            if limit == 0:
                return []
            sql += " LIMIT %s OFFSET %s"
            params += [int(limit), int(offset)]
        compiler.as_sql = lambda *args, **kwargs: (sql, params)  # type: ignore[method-assign]
        query = copy.copy(self.queryset.query)
        query.get_compiler = lambda *args, **kwargs: compiler  # type: ignore[method-assign]
        template: Any = self.queryset
        # A fresh queryset on the shared query, without cloning it (the cost being avoided).
        queryset = template.__class__(
            model=template.model, query=query, using=template._db, hints=template._hints
        )
        queryset._iterable_class = template._iterable_class
        queryset._fields = template._fields
        queryset._prefetch_related_lookups = template._prefetch_related_lookups
        return list(queryset)


class CompiledRead(Generic[T]):
    def __init__(
        self, build: Callable[[], "models.QuerySet[Any, T]"], *, across_organisations: bool
    ) -> None:
        self.build = build
        self.across_organisations = across_organisations
        self._templates: dict[tuple[Any, ...], _Template] = {}
        self._lock = threading.Lock()
        self.__doc__ = build.__doc__
        self.__name__ = getattr(build, "__name__", repr(build))
        # Where it was written: the suite compares every read of the product with the same read
        # built afresh (tests/test_compiled_reads.py).
        self.module = getattr(build, "func", build).__module__
        every_read.append(self)

    def _template(self) -> _Template:
        # Keyed on what the ORM may write into SQL from the active settings. Building the
        # queryset to ask it for its database would cost what is being saved: the project reads
        # one database.
        key = (timezone.get_current_timezone_name(), translation.get_language())
        template = self._templates.get(key)
        if template is None:
            template = _Template(self.build())
            self._check_tenancy(template)
            with self._lock:
                template = self._templates.setdefault(key, template)
        return template

    def _check_tenancy(self, template: _Template) -> None:
        from cocora.organisations.models import OrgScopedModel

        if self.across_organisations or not issubclass(template.queryset.model, OrgScopedModel):
            return
        query = template.queryset.query
        if query.combinator or not _names_organisation(query.where, table=query.base_table):
            raise ValueError(
                f'{self.__name__} reads a tenant table: it takes for_org(Param("organisation")).'
            )

    def __call__(self, **values: Any) -> list[T]:
        return self._template().run(values)

    def rows(self, **values: Any) -> "Rows[T]":
        """The read's rows as a paginator slices them (`cocora/core/paging.py`, given the
        count): each slice one query, its bounds given as values."""
        return Rows(self, values)

    def built_afresh(self, **values: Any) -> list[T]:
        """The same read as a plain queryset holding this call's values, built, compiled and
        evaluated by the ORM alone: what a compiled read is compared with (the suite) and
        measured against (`make bench`)."""
        token = _bound.set(values)
        try:
            queryset = self.build()
        finally:
            _bound.reset(token)
        return list(queryset)


def _names_organisation(where: WhereNode, *, table: str | None) -> bool:
    """Whether these conditions, all of which must hold, include `organisation_id =
    Param("organisation")` on the query's own table (`table`, its alias): not a joined
    table's, not a subquery's."""
    if where.negated or (where.connector != AND and len(where.children) > 1):
        return False
    for child in where.children:
        if isinstance(child, WhereNode):
            if _names_organisation(child, table=table):
                return True
        elif (
            isinstance(child, Exact)
            and getattr(child.lhs, "target", None) is not None
            and child.lhs.target.attname == "organisation_id"
            and child.lhs.alias == table
            and isinstance(child.rhs, Param)
            and child.rhs.name == "organisation"
        ):
            return True
    return False


class Rows(Generic[T]):
    """A compiled read's rows to be sliced: `rows[50:100]` reads those fifty."""

    ordered = True  # The paginator asks; `run` refuses a page of an unordered read.

    def __init__(self, read: CompiledRead[T], values: dict[str, Any]) -> None:
        self.read, self.values = read, values

    def __getitem__(self, index: slice) -> list[T]:
        if (
            not isinstance(index, slice)
            or index.step is not None
            or index.stop is None
            or index.stop < 0
            or (index.start or 0) < 0
        ):
            raise TypeError("Rows are read a page at a time: rows[start:stop], both from 0.")
        start = index.start or 0
        return self.read._template().run(
            self.values, offset=start, limit=max(index.stop - start, 0)
        )

    def __len__(self) -> int:
        raise TypeError("Rows are not counted: the paginator is given the count.")


def aggregated(queryset: "models.QuerySet[Any]", **aggregates: Any) -> "models.QuerySet[Any, Any]":
    """`queryset.aggregate(**aggregates)` as a queryset of one row (a tuple of the aggregates
    in the order given), which a compiled read can keep: grouped by a constant, which the
    database leaves out, so that the aggregates are taken over every row."""
    return (
        queryset.order_by()
        .values(_all=models.Value(True, output_field=models.BooleanField()))
        .annotate(**aggregates)
        .values_list(*aggregates)
    )


def compiled_variants(
    build: Callable[..., "models.QuerySet[Any, Any]"], name: str, choices: Any
) -> dict[Any, CompiledRead[Any]]:
    """A compiled read of `build(name=choice)` for each of the constant `choices`: one read per
    role, say, or with and without a column."""
    return {choice: compiled_read(partial(build, **{name: choice})) for choice in choices}


def compiled_read(
    build: Callable[[], "models.QuerySet[Any, T]"] | None = None,
    *,
    across_organisations: bool = False,
) -> Any:
    """Makes `build` (a function of no arguments returning a queryset) a compiled read: see the
    module's text."""

    def wrap(function: Callable[[], "models.QuerySet[Any, T]"]) -> CompiledRead[T]:
        return CompiledRead(function, across_organisations=across_organisations)

    return wrap(build) if build is not None else wrap
