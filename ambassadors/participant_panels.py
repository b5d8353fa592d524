"""The ambassador path on a participant's page (programmes shows panels it does not know)."""

from typing import Any

from django.template.loader import render_to_string

from cocora.organisations.permissions import can
from programmes.panels import register

from .selectors.ambassadors import ambassador_for_participant
from .services.promotion import ambassador_path_blockers, has_completed_prevention


@register
def ambassador_path(
    *, request: Any, organisation: Any, membership: Any, participant: Any
) -> str | None:
    """Staff see the person's ambassador status, or for a Prevention graduate the way to start
    the ambassador path (or what is missing for it). Nothing for anyone else."""
    if not can(membership, "ambassadors.view"):
        return None
    ambassador = ambassador_for_participant(
        organisation=organisation, participant_id=participant.pk
    )
    blockers: list[str] = []
    if ambassador is None:
        if not has_completed_prevention(organisation=organisation, participant=participant):
            return None
        blockers = ambassador_path_blockers(organisation=organisation, participant=participant)
    return render_to_string(
        "ambassadors/_participant_panel.html",
        {
            "organisation": organisation,
            "participant": participant,
            "ambassador": ambassador,
            "blockers": blockers,
            "can_manage": can(membership, "ambassadors.manage"),
        },
        request=request,
    )
