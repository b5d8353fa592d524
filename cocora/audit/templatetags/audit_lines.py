from typing import Any

from django import template

from cocora.audit.records import EventRow, describe_events

register = template.Library()


@register.simple_tag(takes_context=True)
def audit_rows(context: Any, events: Any) -> list[EventRow]:
    """The events as readable lines, linked where the viewer (the page's membership) may go."""
    return describe_events(
        events, organisation=context["organisation"], membership=context.get("membership")
    )
