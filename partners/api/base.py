"""What the partners API's viewsets share: resources nested under a parent (a partner's checks,
an activity's follow-ups) and the one way a list is paginated and serialized."""

from typing import Any

import django_filters
from django import forms
from django.utils.translation import gettext
from django_filters.fields import IsoDateTimeField
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response

from cocora.api.base import OrgViewSet
from cocora.core.ids import MAX_ID

from ..forms import EARLIEST_YEAR, LATEST_YEAR


class NestedViewSet(OrgViewSet):
    """A collection under a parent object, e.g. `partners/<partner_id>/checks/`. The parent is
    looked up after the permission check, whatever the method: another organisation's parent
    is a 404 before anything else happens."""

    parent_kwarg: str = ""
    parent: Any

    def parent_get(self, parent_id: int) -> Any:
        """The parent in self.organisation, or None."""
        raise NotImplementedError

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        parent = self.parent_get(kwargs[self.parent_kwarg])
        if parent is None:
            raise exceptions.NotFound()
        self.parent = parent


def paginated(viewset: OrgViewSet, queryset: Any, **context: Any) -> Response:
    """One page of `queryset` after the viewset's filters, serialized with the viewset's
    serializer; `context` is added to the serializer's context."""
    page = viewset.paginate_queryset(viewset.filter_queryset(queryset))
    serializer = viewset.get_serializer_class()(
        page, many=True, context={**viewset.get_serializer_context(), **context}
    )
    return viewset.get_paginated_response(serializer.data)


class IdFilter(django_filters.NumberFilter):
    """A record id in a query string: a whole number a database id could be, or a 400 (never
    an out-of-range number handed to the database)."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", EARLIEST_YEAR)
        kwargs.setdefault("max_value", LATEST_YEAR)
        kwargs.setdefault("lookup_expr", "year")
        super().__init__(*args, **kwargs)


# A point in time in a query string: wide enough for "everything since 1970", narrow enough
# that no time zone pushes it off the calendar (year 1 or 9999 would be a 500, not a 400).
FILTER_YEARS = (1900, 2999)


class _IsoDateTimeInRange(IsoDateTimeField):
    def to_python(self, value: Any) -> Any:
        result = super().to_python(value)
        if result is not None and not FILTER_YEARS[0] <= result.year <= FILTER_YEARS[1]:
            raise forms.ValidationError(
                gettext("Choose a date between %(first)s and %(last)s.")
                % {"first": FILTER_YEARS[0], "last": FILTER_YEARS[1]},
                code="year",
            )
        return result


class MomentFilter(django_filters.IsoDateTimeFilter):
    """An ISO 8601 date and time (e.g. `changed_since`); without an offset, in the
    organisation's time zone."""

    field_class = _IsoDateTimeInRange
