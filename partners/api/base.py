"""What the partners API's viewsets share: resources nested under a parent (a partner's checks,
an activity's follow-ups) and the one way a list is paginated and serialized."""

from typing import Any

import django_filters
from django import forms
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response

from cocora.api.base import OrgViewSet

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


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", EARLIEST_YEAR)
        kwargs.setdefault("max_value", LATEST_YEAR)
        kwargs.setdefault("lookup_expr", "year")
        super().__init__(*args, **kwargs)
