from typing import Any

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request

MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50


class PagePagination(PageNumberPagination):
    """`?page=2&page_size=100`; at most 200 rows a page. A page size out of range is a 400,
    not silently shrunk: a client that asked for 10,000 rows should know it did not get them."""

    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    page_query_param = "page"

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> Any:
        try:
            return super().paginate_queryset(queryset, request, view)
        except exceptions.NotFound as error:
            # A page past the end is a bad query parameter, not a missing object.
            raise exceptions.ValidationError({self.page_query_param: [error.detail]}) from None

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None or raw == "":
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= MAX_PAGE_SIZE:
            raise exceptions.ValidationError(
                {
                    self.page_size_query_param: [
                        _("Choose a page size from 1 to %(max)d.") % {"max": MAX_PAGE_SIZE}
                    ]
                }
            )
        return size
