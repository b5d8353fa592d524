"""The partners app's panel on a participant's page: consents to share and the history of what
was shared with which partner. Staff only: for anyone else the panel does not exist."""

from typing import Any

from django.template.loader import render_to_string

from cocora.organisations.permissions import can
from programmes.panels import register

from .selectors.disclosures import participant_sharing


@register
def sharing_panel(
    *, request: Any, organisation: Any, membership: Any, participant: Any
) -> str | None:
    if not can(membership, "disclosures.record"):
        return None
    context = participant_sharing(organisation=organisation, participant=participant)
    context.update(
        organisation=organisation,
        participant=participant,
        can_disclose=True,
        can_manage_consents=can(membership, "consents.manage"),
    )
    return render_to_string("partners/_participant_panel.html", context, request=request)
