from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from .permissions import can
from .selectors import membership_list_for_user

# The organisation navigation: (label, url name, action). An entry shows only to roles that the
# permission map allows for its action.
# Domain apps' pages are named here as strings: the core imports no domain app.
NAVIGATION = [
    (_("Home"), "org_home", "organisation.view"),
    (_("My sessions"), "my_sessions", "sessions.view"),
    (_("Calendar"), "session_calendar", "sessions.view"),
    (_("Cohorts"), "cohort_list", "cohorts.view"),
    (_("Participants"), "participant_list", "participants.view"),
    (_("My tasks"), "ambassador_home", "ambassador_home.view"),
    (_("Our partnership"), "partner_portal", "partner_portal.view"),
    (_("Programmes"), "programme_list", "programmes.view"),
    (_("Ambassadors"), "ambassador_roster", "ambassadors.view"),
    (_("Evaluation"), "evaluation_home", "evaluation.view"),
    (_("Training"), "training_home", "training.view"),
    (_("Partners"), "partner_list", "partners.view"),
    (_("Collaboration"), "collaboration_list", "collaboration.view"),
    (_("Proposals"), "proposal_list", "proposals.view"),
    (_("Families"), "family_activity_list", "families.view"),
    (_("Members"), "member_list", "members.view"),
    (_("Audit"), "audit_log", "audit.view"),
    (_("Emails"), "delivery_list", "deliveries.view"),
    (_("Data protection"), "retention_settings", "privacy.manage"),
    (_("Settings"), "organisation_settings", "organisation.manage"),
]


# Where a request keeps its navigation once worked out: a page that renders panels of its own
# (each with the request, for its forms' CSRF tokens) runs the context processors once per panel.
_MEMO = "_cocora_navigation"


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    organisation = getattr(request, "organisation", None)
    membership = getattr(request, "membership", None)
    memo = getattr(request, _MEMO, None)
    if memo is not None and memo[0] is membership:
        return dict(memo[1])
    context = _navigation(request, user, organisation, membership)
    setattr(request, _MEMO, (membership, context))
    return dict(context)


def _navigation(
    request: HttpRequest, user: Any, organisation: Any, membership: Any
) -> dict[str, Any]:
    items = []
    if organisation is not None and membership is not None:
        for label, url_name, action in NAVIGATION:
            if not can(membership, action):
                continue
            try:
                url = reverse(url_name, kwargs={"org_slug": organisation.slug})
            except NoReverseMatch:
                continue  # the app that provides this page is not installed
            active = request.path == url or (
                url_name != "org_home" and request.path.startswith(url)
            )
            items.append({"label": label, "url": url, "active": active})
    return {
        "nav_items": items,
        # Read with the membership (selectors.membership_list_for_user): no query of its own.
        "notifications_unread": getattr(membership, "unread_notifications", 0)
        if can(membership, "notifications.view")
        else None,
        "can_search": can(membership, "search.use"),
        "current_organisation": organisation,
        "current_membership": membership,
        # Organisation pages read them with the membership (views_base.OrgViewMixin).
        "my_memberships": request.my_memberships  # type: ignore[attr-defined]
        if hasattr(request, "my_memberships")
        else membership_list_for_user(user=user),
    }
