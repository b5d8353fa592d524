"""The words of each kind of in-app notification, written when a page shows it (in the reader's
language and the organisation's time zone), from the names kept in the notification's context.
Only names and titles are kept there: never a note's or a report's content."""

from datetime import date
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .models import Notification, NotificationKind


class _Missing(dict[str, Any]):
    """Formatting values where a name is missing (an older notification) reads as "…"."""

    def __missing__(self, key: str) -> str:
        return "…"


def _day(value: Any) -> str:
    try:
        return date_format(date.fromisoformat(str(value)), "SHORT_DATE_FORMAT")
    except ValueError:
        return "…"


def notification_message(notification: Notification) -> str:
    """One sentence saying what happened."""
    context = _Missing(notification.context or {})
    kind = notification.kind
    if kind == NotificationKind.DIFFICULT_MOMENT:
        return (
            _(
                "%(ambassador)s reported a difficult moment in the task “%(task)s”. "
                "A debrief is due."
            )
            % context
        )
    if kind == NotificationKind.CONFIDENTIAL_NOTE:
        context["day"] = _day(context.get("day"))
        return (
            _("The log of the session of %(cohort)s on %(day)s has a confidential note for you.")
            % context
        )
    if kind == NotificationKind.PROPOSAL:
        return _("%(by)s proposed “%(title)s”.") % context
    return str(context.get("text") or _("Something needs your attention."))
