from functools import lru_cache
from types import MappingProxyType
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest
from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils.translation import get_language_info
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
        urls = _navigation_urls(get_script_prefix(), organisation.slug)
        for (label, url_name, action), url in zip(NAVIGATION, urls, strict=True):
            if url is None or not can(membership, action):
                continue
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


@lru_cache(maxsize=512)
def _navigation_urls(script_prefix: str, org_slug: str) -> tuple[str | None, ...]:
    """Each NAVIGATION entry's address in one organisation (None where the app that provides
    the page is not installed). An address depends only on these two and the URLconf, so it is
    worked out once per process and organisation, not a score of times on every page.

    The key assumes one URLconf for every request (no `request.urlconf`) and addresses without
    a language prefix (no `i18n_patterns`): a change to either must add it to the key."""
    urls: list[str | None] = []
    for _label, url_name, _action in NAVIGATION:
        try:
            urls.append(reverse(url_name, kwargs={"org_slug": org_slug}))
        except NoReverseMatch:
            urls.append(None)
    return tuple(urls)


def layout(request: HttpRequest) -> dict[str, Any]:
    """The languages the layout (templates/base.html) offers, each named in itself: looked up
    once per process, not on every page. Its links come from the `layout_url` tag
    (templatetags/cocora_layout.py), given the organisation the page shows: a public page (a
    guardian's, a survey's) names it in its own context, not on the request."""
    return {"layout_languages": _layout_languages(tuple(settings.LANGUAGES))}


@lru_cache(maxsize=512)
def layout_urls(script_prefix: str, org_slug: str) -> MappingProxyType[str, str]:
    """The layout's links; an organisation's own ones when `org_slug` names it. The key makes
    the same assumptions as `_navigation_urls`'."""
    urls = {
        "home": reverse("home"),
        "profile": reverse("profile"),
        "sign_out": reverse("account_logout"),
        "set_language": reverse("set_language"),
    }
    if org_slug:
        for key, url_name in (
            ("org_home", "org_home"),
            ("search", "search"),
            ("notifications", "notification_list"),
            ("transparency", "transparency"),
            ("logo", "organisation_logo"),
        ):
            urls[key] = reverse(url_name, kwargs={"org_slug": org_slug})
    return MappingProxyType(urls)


@lru_cache(maxsize=8)
def _layout_languages(languages: tuple[tuple[str, Any], ...]) -> tuple[tuple[str, str], ...]:
    """Each language's code and its name in itself ("Deutsch"), the same whichever is active."""
    return tuple((code, get_language_info(code)["name_local"]) for code, _name in languages)


@receiver(setting_changed)
def _forget_navigation_urls(*, setting: str, **kwargs: Any) -> None:
    # Tests that swap the URLconf or the installed apps get addresses of the new one.
    if setting in ("ROOT_URLCONF", "INSTALLED_APPS"):
        _navigation_urls.cache_clear()
        layout_urls.cache_clear()
