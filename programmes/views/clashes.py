"""Trainers booked into two sessions at once: warned about after a save, never refused."""

from django.contrib import messages
from django.http import HttpRequest
from django.utils.translation import ngettext

from ..selectors.sessions import TrainerClash

# Beyond this many, the cohort's page (which marks every clash) says the rest.
CLASHES_IN_MESSAGES = 5


def warn_about_clashes(request: HttpRequest, clashes: dict[int, list[TrainerClash]]) -> None:
    """Trainers booked into two sessions at once, as warnings after a save that stands: a
    co-trainer may cover one of them."""
    found = list(dict.fromkeys(clash for found in clashes.values() for clash in found))
    for clash in found[:CLASHES_IN_MESSAGES]:
        messages.warning(request, clash.message)
    more = len(found) - CLASHES_IN_MESSAGES
    if more > 0:
        messages.warning(
            request,
            ngettext(
                "And %(count)s more trainer clash: the cohort's sessions show each one.",
                "And %(count)s more trainer clashes: the cohort's sessions show each one.",
                more,
            )
            % {"count": more},
        )
