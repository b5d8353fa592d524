"""Small-cell suppression: figures about so few people that someone could be recognised in them
are shown as "fewer than N" wherever aggregates leave a cohort's own pages (dashboards, impact
pages, funder reports, exports, the API).

Three rules, applied by the functions below:

- a count from 1 to threshold - 1 is suppressed (0 is shown: it says nothing about anyone);
- a mean, rate or change computed over fewer than `threshold` people is suppressed;
- a suppressed cell must not be recoverable by arithmetic on the cells shown beside it: a
  breakdown with one suppressed cell also suppresses the next smallest (so a total minus the
  shown cells gives two people's groups, not one), and in a sequence about the same people
  (a funnel, a month-by-month series) a value is suppressed when it differs from the last shown
  value by 1 to threshold - 1.

Every caller reads the threshold through `threshold_for`, so one setting on the organisation
governs every page and export.
"""

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from django.utils.formats import number_format
from django.utils.translation import gettext

DEFAULT_THRESHOLD = 5

K = TypeVar("K", bound=Hashable)


def threshold_for(organisation: Any) -> int:
    """The organisation's threshold (a setting between 3 and 20, default 5)."""
    value = getattr(organisation, "small_cell_threshold", None)
    return int(value) if value else DEFAULT_THRESHOLD


@dataclass(frozen=True)
class Cell:
    """One figure as it may be shown: `value` is None when suppressed (and also when there is
    nothing to show, `suppressed` then False). `decimals` says how the number is written."""

    value: float | int | None
    suppressed: bool = False
    threshold: int = DEFAULT_THRESHOLD
    decimals: int = 0

    @property
    def shown(self) -> bool:
        return not self.suppressed and self.value is not None

    @property
    def label(self) -> str:
        """The figure for a page, in the reader's language."""
        if self.suppressed:
            return gettext("fewer than %(threshold)s") % {"threshold": self.threshold}
        if self.value is None:
            return "–"
        return number_format(self.value, decimal_pos=self.decimals, use_l10n=True)

    @property
    def export(self) -> str:
        """The figure for CSV, XLSX and the API: plain digits, "<5" when suppressed, "" when
        there is nothing."""
        if self.suppressed:
            return f"<{self.threshold}"
        if self.value is None:
            return ""
        return f"{self.value:.{self.decimals}f}" if self.decimals else str(int(self.value))

    def __str__(self) -> str:
        return self.label


def count_cell(n: int | None, *, threshold: int) -> Cell:
    """A count of people: 1 to threshold - 1 is suppressed."""
    if n is None:
        return Cell(None, threshold=threshold)
    return Cell(n, suppressed=0 < n < threshold, threshold=threshold)


def measure_cell(value: float | None, *, n: int, threshold: int, decimals: int = 1) -> Cell:
    """A mean, rate or change computed over `n` people: suppressed when n < threshold (a mean
    over one person is that person's answer)."""
    if value is None or n == 0:
        return Cell(None, threshold=threshold, decimals=decimals)
    return Cell(value, suppressed=n < threshold, threshold=threshold, decimals=decimals)


def count_cells(counts: Mapping[K, int], *, threshold: int) -> dict[K, Cell]:
    """A breakdown of one group into parts (e.g. people per stage). Small parts are suppressed;
    when exactly one part would be hidden, the next smallest non-zero part is hidden with it, so
    that the total minus the parts shown does not reveal it."""
    cells = {key: count_cell(n, threshold=threshold) for key, n in counts.items()}
    hidden = [key for key, cell in cells.items() if cell.suppressed]
    if len(hidden) == 1:
        shown = sorted(
            (n, index, key)
            for index, (key, n) in enumerate(counts.items())
            if not cells[key].suppressed and n > 0
        )
        if shown:
            key = shown[0][2]
            cells[key] = Cell(counts[key], suppressed=True, threshold=threshold)
    return cells


def sequence_cells(values: Iterable[int | None], *, threshold: int) -> list[Cell]:
    """Counts about the same people in order (a funnel, a series over time). Beyond the rule
    for single counts, a value whose difference from the last shown value is 1 to
    threshold - 1 is suppressed: two neighbours 12 and 10 would reveal a group of two."""
    cells: list[Cell] = []
    last_shown: int | None = None
    for n in values:
        cell = count_cell(n, threshold=threshold)
        if cell.shown and last_shown is not None and 0 < abs(int(n or 0) - last_shown) < threshold:
            cell = Cell(n, suppressed=True, threshold=threshold)
        if cell.shown:
            last_shown = int(n or 0)
        cells.append(cell)
    return cells
