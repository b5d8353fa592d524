"""Panels that apps built on programmes add to a participant's page (a partner's disclosure
history, an ambassador's path), to a session's page (an open questionnaire round) or to a
cohort's page and its edit form (trainers who lack a required training), so that programmes
imports none of them.

An app's `participant_panels.py` registers `panel(*, request, organisation, membership,
participant) -> str | None` returning rendered HTML, or None when the panel does not apply to
this person or this viewer; a session panel, registered with `register_session_panel`, gets
`session` instead of `participant`; a cohort panel (`register_cohort_panel`) gets `cohort` and
`editing` (True on the form where trainers are assigned). Panels must check the viewer's
permissions themselves.
"""

from collections.abc import Callable
from typing import Any

Panel = Callable[..., Any]
panels: list[Panel] = []


def register(panel: Panel) -> Panel:
    if panel not in panels:
        panels.append(panel)
    return panel


def render_panels(**kwargs: Any) -> list[str]:
    return [html for panel in panels if (html := panel(**kwargs))]


session_panels: list[Panel] = []


def register_session_panel(panel: Panel) -> Panel:
    if panel not in session_panels:
        session_panels.append(panel)
    return panel


def render_session_panels(**kwargs: Any) -> list[str]:
    return [html for panel in session_panels if (html := panel(**kwargs))]


cohort_panels: list[Panel] = []


def register_cohort_panel(panel: Panel) -> Panel:
    if panel not in cohort_panels:
        cohort_panels.append(panel)
    return panel


def render_cohort_panels(**kwargs: Any) -> list[str]:
    return [html for panel in cohort_panels if (html := panel(**kwargs))]
