"""Security middleware: response headers, two-factor authentication for the roles that need it,
and the absolute lifetime of a session. The policies are described in docs/security.md."""

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

GetResponse = Callable[[HttpRequest], HttpResponseBase]

# A view that serves something harmless to keep in the browser's private cache (the
# organisation's logo) marks its response with allow_private_caching(); everything else that an
# authenticated user receives is marked no-store.
PRIVATE_CACHE_MARK = "cocora_private_cache_allowed"
# Seconds since the epoch at which the user signed in (set by the user_logged_in signal).
LOGIN_AT_SESSION_KEY = "cocora_login_at"
# When the session row's expiry was last moved ahead; it moves at most once a minute.
REFRESHED_AT_SESSION_KEY = "cocora_refreshed_at"
SESSION_REFRESH_SECONDS = 60
# Seconds since the epoch at which the user was last found to have an authenticator app.
MFA_CHECKED_SESSION_KEY = "cocora_mfa_checked_at"
# How long that finding is trusted before the database is asked again.
MFA_CHECK_TTL_SECONDS = 60


def allow_private_caching(response: HttpResponseBase) -> HttpResponseBase:
    setattr(response, PRIVATE_CACHE_MARK, True)
    return response


def _is_authenticated(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


class SecurityHeadersMiddleware:
    """Adds the Content-Security-Policy, Permissions-Policy and Cross-Origin-Opener-Policy to
    every response, and keeps responses to signed-in users out of every cache (browser history,
    shared computers in a youth centre, proxies): `Cache-Control: no-store`.

    Place it right after SecurityMiddleware, so that responses made by any later middleware get
    the headers too."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        csp = settings.COCORA_CONTENT_SECURITY_POLICY
        if csp:
            response.headers.setdefault("Content-Security-Policy", csp)
        permissions_policy = settings.COCORA_PERMISSIONS_POLICY
        if permissions_policy:
            response.headers.setdefault("Permissions-Policy", permissions_policy)
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        # request.user is evaluated after the view: a sign-in answer gets no-store too.
        if _is_authenticated(request) and not getattr(response, PRIVATE_CACHE_MARK, False):
            add_never_cache_headers(response)
            response.headers["Pragma"] = "no-cache"
        return response


class SessionLifetimeMiddleware:
    """Signs a user out 12 hours (COCORA_SESSION_ABSOLUTE_SECONDS) after they signed in, however
    active they were, and keeps a signed-in session from going idle while it is used: the
    session row's expiry date moves 30 minutes (SESSION_COOKIE_AGE) ahead when the last move is
    a minute old or more, and the session store ignores expired rows. So a session ends 29 to 30
    minutes after its last signed-in request, never later (static files and server errors, which
    Django never saves a session for, do not count), and a page read costs no session write
    unless a minute has passed (Django's SESSION_SAVE_EVERY_REQUEST would write the row on
    every request).

    A session without a recorded sign-in time (made before this existed) is ended too: fail
    closed. Place it after AuthenticationMiddleware and MessageMiddleware, and before the tenant
    transaction, so that a signed-out request runs as the anonymous visitor it now is."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if _is_authenticated(request):
            login_at = request.session.get(LOGIN_AT_SESSION_KEY)
            limit = settings.COCORA_SESSION_ABSOLUTE_SECONDS
            if not isinstance(login_at, int | float) or time.time() - login_at > limit:
                logout(request)
                messages.info(
                    request,
                    _(
                        "For your security you were signed out %(hours)s hours after signing "
                        "in. Please sign in again."
                    )
                    % {"hours": limit // 3600},
                )
            else:
                now = int(time.time())
                refreshed_at = request.session.get(REFRESHED_AT_SESSION_KEY)
                if not isinstance(refreshed_at, int | float) or not (
                    0 <= now - refreshed_at < SESSION_REFRESH_SECONDS
                ):
                    # A change marks the session modified: it is saved with a new expiry.
                    request.session[REFRESHED_AT_SESSION_KEY] = now
        return self.get_response(request)


def record_login_time(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """user_logged_in receiver: starts the session's absolute lifetime, and its idle expiry
    (the sign-in saves the session, so the next minute's requests need not)."""
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[LOGIN_AT_SESSION_KEY] = now
        request.session[REFRESHED_AT_SESSION_KEY] = now


def forget_mfa_check(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    """authenticator_removed receiver: the next request checks the database again."""
    if request is not None and hasattr(request, "session"):
        request.session.pop(MFA_CHECKED_SESSION_KEY, None)


class MFARequiredMiddleware:
    """Sends a user who must use two-factor authentication, and has no authenticator app yet,
    to the page that sets one up, from every page but the few needed to do so.

    A user must when COCORA_MFA_REQUIRED_ROLES is not empty and they are platform staff (the
    Django admin) or hold one of those roles in any organisation. The membership read crosses
    organisations, which the membership table's read policy allows for the user set for the
    transaction: place this after TenantTransactionMiddleware.

    "Has an authenticator app" is remembered in the session for a minute (it is the user's own
    fact, forgotten at once when they remove the app); "does not need one" is never remembered,
    so that a member who has just been made a coordinator is asked on their next request."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        roles = settings.COCORA_MFA_REQUIRED_ROLES
        if (
            roles
            and _is_authenticated(request)
            and not _is_exempt(request.path_info)
            and _must_enrol(request, roles)
        ):
            return _redirect_to_setup(request)
        return self.get_response(request)


def _is_exempt(path: str) -> bool:
    """The pages a user needs to set up an authenticator, or to leave."""
    prefixes = (reverse("mfa_index"), settings.STATIC_URL or "/static/")
    exact = (
        reverse("account_reauthenticate"),
        reverse("account_logout"),
        reverse("healthz"),
        reverse("set_language"),
    )
    return path in exact or path.startswith(prefixes)


def _must_enrol(request: HttpRequest, roles: list[str]) -> bool:
    from allauth.mfa.models import Authenticator

    from cocora.organisations.models import Membership

    checked_at = request.session.get(MFA_CHECKED_SESSION_KEY)
    if (
        isinstance(checked_at, int | float)
        and 0 <= time.time() - checked_at < MFA_CHECK_TTL_SECONDS
    ):
        return False
    user = request.user
    user_id = user.pk
    if user_id is None:
        return False
    required = (
        user.is_staff
        or user.is_superuser
        or Membership.objects.filter(user_id=user_id, role__in=roles).exists()
    )
    if not required:
        return False
    if Authenticator.objects.filter(user_id=user_id, type=Authenticator.Type.TOTP).exists():
        request.session[MFA_CHECKED_SESSION_KEY] = int(time.time())
        return False
    return True


def _redirect_to_setup(request: HttpRequest) -> HttpResponseBase:
    url = reverse("mfa_activate_totp")
    if request.headers.get("HX-Request"):
        # htmx would swap the set-up page into a fragment: make it load the whole page instead.
        response = HttpResponse(status=204)
        response.headers["HX-Redirect"] = url
        return response
    messages.warning(
        request,
        _(
            "Your role needs two-factor authentication. Please set up an authenticator app "
            "to continue."
        ),
    )
    return HttpResponseRedirect(url)
