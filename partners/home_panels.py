"""The partners app's panel on an organisation's home page: partner contacts land on a link to
their partnership page."""

from typing import Any

from django.template.loader import render_to_string

from cocora.organisations.home_registry import register
from cocora.organisations.models import Role

from .models import PartnerContact


@register
def partnership(*, request: Any, organisation: Any, membership: Any) -> str | None:
    """The one "Our partnership" card of a partner contact's home: a link to their partner's
    page, or, for a member not yet linked to a partner, what the role will show."""
    if membership.role != Role.PARTNER:
        return None
    contact = (
        PartnerContact.objects.for_org(organisation)
        .filter(user_id=membership.user_id)
        .select_related("partner")
        .first()
    )
    return render_to_string(
        "partners/_home_panel.html",
        {"organisation": organisation, "contact": contact},
        request=request,
    )
