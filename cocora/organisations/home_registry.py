"""Panels that domain apps add to an organisation's home page, so that each role lands on what
it needs (a trainer on today's sessions) while the core imports no domain app.

A domain app's `home_panels.py` registers functions `panel(*, request, organisation,
membership) -> str | None` returning rendered HTML (or None when the panel does not apply).
They are discovered when the app registry is ready.
"""

from collections.abc import Callable
from typing import Any

Panel = Callable[..., Any]
panels: list[Panel] = []


def register(panel: Panel) -> Panel:
    if panel not in panels:
        panels.append(panel)
    return panel
