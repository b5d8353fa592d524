from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .permissions import can
from .selectors import membership_list_for_user

# The organisation navigation: (label, url name, action). An entry shows only to roles that the
# permission map allows for its action.
NAVIGATION = [
    (_("Home"), "org_home", "organisation.view"),
    (_("Members"), "member_list", "members.view"),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    organisation = getattr(request, "organisation", None)
    membership = getattr(request, "membership", None)
    items = []
    if organisation is not None and membership is not None:
        for label, url_name, action in NAVIGATION:
            if can(membership, action):
                url = reverse(url_name, kwargs={"org_slug": organisation.slug})
                items.append({"label": label, "url": url, "active": request.path == url})
    return {
        "nav_items": items,
        "current_organisation": organisation,
        "current_membership": membership,
        "my_memberships": membership_list_for_user(user=user),
    }
