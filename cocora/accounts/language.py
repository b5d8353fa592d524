"""Which language a person reads the platform and their emails in.

The order: the language saved on their account, then their organisation's language, then (on a
page) the browser's, then English. Django's LocaleMiddleware has already chosen from the
visitor's cookie and browser; the middleware here and the organisation pages put the person's
own choices above it."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.utils import translation

from .models import User


def activate_language(request: HttpRequest, language: str) -> None:
    translation.activate(language)
    request.LANGUAGE_CODE = language  # type: ignore[attr-defined]


def email_language(*, user: User | None, organisation_language: str = "") -> str:
    """The language of an email to a person: theirs, else their organisation's, else English."""
    if user is not None and user.language:
        return user.language
    return organisation_language or settings.LANGUAGE_CODE


class UserLanguageMiddleware:
    """Shows every page in the signed-in person's saved language. The user row is loaded for
    the request anyway, so this costs no query; organisation pages add the organisation's
    language for people without a choice of their own (see OrgViewMixin)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            activate_language(request, user.language)
        return self.get_response(request)
