"""Panels that domain apps add to an organisation's home page, so that each role lands on what
it needs (a trainer on today's sessions, a coordinator on what waits for them) while the core
imports no domain app.

A domain app's `home_panels.py` registers functions `panel(*, request, organisation,
membership) -> str | None` returning rendered HTML (or None when the panel does not apply).
They are discovered when the app registry is ready. The page shows them by `order` (then in
the order they were registered): what needs the person today first (`TODAY`), then the charts
(`CHARTS`), then housekeeping (`HOUSEKEEPING`), so that the apps' order in the settings does not
decide what a person reads first.
"""

from collections.abc import Callable
from typing import Any

Panel = Callable[..., Any]

TODAY = 10
CHARTS = 50
HOUSEKEEPING = 90

panels: list[Panel] = []
_orders: dict[Panel, int] = {}


def register(panel: Panel | None = None, *, order: int = TODAY) -> Any:
    """`@register` or `@register(order=CHARTS)`."""

    def add(function: Panel) -> Panel:
        if function not in panels:
            _orders[function] = order
            panels.append(function)
            # sort() is stable: panels of the same order keep their registration order.
            panels.sort(key=_orders.__getitem__)
        return function

    return add(panel) if panel is not None else add


def chart_panel(*, request: Any, key: str, title: str, charts: list[Any], empty: str) -> str:
    """A home-page card of one or more charts (small multiples side by side on wide screens),
    or, without charts, a sentence saying when they will appear. `key` names the card's
    heading for assistive technology."""
    from django.template.loader import render_to_string

    return render_to_string(
        "organisations/_chart_panel.html",
        {"key": key, "title": title, "charts": charts, "empty": empty},
        request=request,
    )
