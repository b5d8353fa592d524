"""The families app's panel on a participant's page: whether their guardian holds a working
link to their child's sessions and consents, with the buttons to send one (again) or stop it.
Staff only: for anyone else the panel does not exist."""

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from cocora.core.dates import organisation_today
from cocora.organisations.permissions import can
from programmes.panels import register

from .contacts import guardian_reachable
from .selectors import link_list, participant_with_contact_consents


@register
def guardian_link_panel(
    *, request: Any, organisation: Any, membership: Any, participant: Any
) -> str | None:
    if not can(membership, "guardian_links.manage"):
        return None
    participant = participant_with_contact_consents(
        organisation=organisation, participant_id=participant.pk
    )
    now = timezone.now()
    link = (
        link_list(organisation=organisation, participant=participant)
        .filter(revoked_at__isnull=True, expires_at__gt=now)
        .order_by("-created_at", "-pk")
        .first()
    )
    context = {
        "organisation": organisation,
        "participant": participant,
        "link": link,
        "reachable": guardian_reachable(
            participant, organisation=organisation, today=organisation_today(organisation)
        ),
    }
    return render_to_string("families/_participant_panel.html", context, request=request)
