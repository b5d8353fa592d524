"""Paging for list pages that grow with the data: one helper and one navigation include, so that
every list counts and pages alike.

A count of everything grows with the table: the audit trail of a busy organisation holds
hundreds of thousands of lines. `page_of(..., cap=N)` counts at most N + 1 rows (a bounded
subquery that stops early) and says "more than N" beyond; the pages beyond the cap are reached
by narrowing the filters.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest
from django.utils.functional import cached_property


class CappedPaginator(Paginator):
    """A paginator whose count stops at `cap`: `capped` tells that more rows exist."""

    def __init__(self, object_list: Any, per_page: int, *, cap: int | None = None) -> None:
        super().__init__(object_list, per_page)
        self.cap = cap

    @cached_property
    def full_count(self) -> int:
        if self.cap is None:
            return int(super().count)
        # COUNT(*) over a LIMIT subquery, in no particular order: stops reading after cap + 1
        # rows instead of sorting every row first.
        items: Any = self.object_list
        bounded = items.order_by()[: self.cap + 1]
        return int(bounded.count())

    @cached_property
    def capped(self) -> bool:
        return self.cap is not None and self.full_count > self.cap

    @cached_property
    def count(self) -> int:  # type: ignore[override]
        return min(self.full_count, self.cap) if self.cap is not None else self.full_count


@dataclass
class Paged:
    """A page of a list, what the navigation needs, and the rest of the query string. `param`
    is the query parameter that names the page (`page` unless a page holds two lists)."""

    page: Page[Any]
    query: str
    param: str = "page"

    @property
    def items(self) -> Any:
        return self.page.object_list

    @property
    def paginator(self) -> CappedPaginator:
        return self.page.paginator  # type: ignore[return-value]


def page_of(
    request: HttpRequest,
    items: Any,
    *,
    per_page: int = 50,
    cap: int | None = None,
    count: int | None = None,
    param: str = "page",
) -> Paged:
    """The page `?page=` asks for (the last one when it asks beyond, the first when it is not a
    number), keeping the other query parameters for the navigation's links. A caller that
    counted the items already (e.g. in a grouped query it needs anyway) passes `count`: no
    COUNT query then. A page with two lists names the second one's parameter (`param`): each
    list's links keep the other's page."""
    paginator = CappedPaginator(items, per_page, cap=cap)
    if count is not None and cap is None:
        paginator.__dict__["full_count"] = count
    page = paginator.get_page(request.GET.get(param))
    query = request.GET.copy()
    query.pop(param, None)
    return Paged(page=page, query=query.urlencode(), param=param)


def page_of_rows(
    request: HttpRequest,
    items: Any,
    rows: Callable[[Any], list[Any]],
    *,
    per_page: int = 50,
    keep: Callable[[Any], bool] | None = None,
    count: int | None = None,
    param: str = "page",
) -> Paged:
    """A page of rows built by `rows(objects)` (a list page's decorated rows) from a queryset.
    Only the page's objects are turned into rows; with `keep`, a filter that needs the built
    rows (e.g. "consent missing", decided in Python), every match is built and kept or not
    first, then paged."""
    if keep is not None:
        return page_of(
            request, [row for row in rows(items) if keep(row)], per_page=per_page, param=param
        )
    paged = page_of(request, items, per_page=per_page, count=count, param=param)
    paged.page.object_list = rows(paged.items)
    return paged
