"""The partners app's panels on an organisation's home page: partner contacts land on a link to
their partnership page and their proposals; admins see the partners whose integrity review is
overdue; coordinators the partners' proposals waiting for a decision."""

from typing import Any

from django.template.loader import render_to_string

from cocora.organisations.home_registry import HOUSEKEEPING, register
from cocora.organisations.models import Role
from cocora.organisations.permissions import can

from .models import PartnerContact
from .selectors.partners import ReviewFilter, partner_list
from .selectors.proposals import proposals_waiting


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


@register(order=HOUSEKEEPING)
def integrity_reviews(*, request: Any, organisation: Any, membership: Any) -> str | None:
    """Admins: partners never checked, not passed, or past their review date (the directory's
    own "overdue" filter, two queries). A lapsed review suspends sharing with the partner."""
    if membership.role != Role.ADMIN:
        return None
    return render_to_string(
        "partners/_home_reviews.html",
        {
            "organisation": organisation,
            "rows": partner_list(organisation=organisation, review=ReviewFilter.OVERDUE),
            "overdue": ReviewFilter.OVERDUE,
        },
        request=request,
    )


@register
def proposals_waiting_panel(*, request: Any, organisation: Any, membership: Any) -> str | None:
    """Coordinators and admins: the partners' proposals waiting for a decision (two queries)."""
    if not can(membership, "proposals.decide"):
        return None
    waiting = proposals_waiting(organisation=organisation)
    if not waiting.count:
        return None
    return render_to_string(
        "partners/_home_proposals.html",
        {"organisation": organisation, "waiting": waiting},
        request=request,
    )
