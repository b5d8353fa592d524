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
- A read of a tenant table names the organisation with `for_org(Param("organisation"))`; the
  build fails otherwise. The one exception says so (`across_organisations=True`: the member's
  own memberships, which row-level security allows across organisations).
- No slicing with a call's values (a page's offset is written into the SQL): paged lists stay
  ordinary querysets.

The SQL is kept per time zone and language, so that
nothing the ORM writes into SQL from the active settings is reused under others. Execution goes
through the connection's cursor like any query: row-level security, the statement watchers and
the tests' query counts see it as before.
"""

import copy
import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.db import connections, models
from django.db.models import Expression
from django.utils import timezone, translation

T = TypeVar("T")


class Param(Expression):
    """A value of a compiled read, supplied by name at each call. It is prepared for the database
    as `output_field` prepares a value (an id by default; a `DateField()` for a date, ...)."""

    def __init__(self, name: str, output_field: "models.Field[Any, Any] | None" = None) -> None:
        super().__init__(output_field=output_field or models.IntegerField())
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

    def run(self, values: dict[str, Any]) -> list[Any]:
        missing = self.names - values.keys()
        if missing:
            raise TypeError(f"This read needs {sorted(missing)} as well.")
        connection = connections[self.queryset.db]
        params = [
            p.output_field.get_db_prep_value(values[p.name], connection)
            if isinstance(p, Param)
            else p
            for p in self.params
        ]
        compiler = copy.copy(self.compiler)
        sql = self.sql
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
        if "organisation" not in template.names:
            raise ValueError(
                f'{self.__name__} reads a tenant table: it takes for_org(Param("organisation")).'
            )

    def __call__(self, **values: Any) -> list[T]:
        return self._template().run(values)

    def built_afresh(self, **values: Any) -> list[T]:
        """The same read, its queryset built and compiled at this call as the ORM does at each
        evaluation: what a compiled read is measured against (`make bench`)."""
        template = _Template(self.build())
        self._check_tenancy(template)
        return template.run(values)


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
