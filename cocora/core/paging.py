"""Paging for list pages that grow with the data: one helper and one navigation include, so that
every list counts and pages alike.

A count of everything grows with the table: the audit trail of a busy organisation holds
hundreds of thousands of lines. `page_of(..., cap=N)` counts at most N + 1 rows (a bounded
subquery that stops early) and says "more than N" beyond; the pages beyond the cap are reached
by narrowing the filters.
"""

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
        # COUNT(*) over a LIMIT subquery: stops reading after cap + 1 rows.
        bounded: Any = self.object_list[: self.cap + 1]
        return int(bounded.count())

    @cached_property
    def capped(self) -> bool:
        return self.cap is not None and self.full_count > self.cap

    @cached_property
    def count(self) -> int:  # type: ignore[override]
        return min(self.full_count, self.cap) if self.cap is not None else self.full_count


@dataclass
class Paged:
    """A page of a list, what the navigation needs, and the rest of the query string."""

    page: Page[Any]
    query: str

    @property
    def items(self) -> Any:
        return self.page.object_list

    @property
    def paginator(self) -> CappedPaginator:
        return self.page.paginator  # type: ignore[return-value]


def page_of(
    request: HttpRequest, items: Any, *, per_page: int = 50, cap: int | None = None
) -> Paged:
    """The page `?page=` asks for (the last one when it asks beyond, the first when it is not a
    number), keeping the other query parameters for the navigation's links."""
    paginator = CappedPaginator(items, per_page, cap=cap)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return Paged(page=page, query=query.urlencode())
