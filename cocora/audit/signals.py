"""Sign-in events, recorded from Django's authentication signals."""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from .models import SignInEvent


def _ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


@receiver(user_logged_in, dispatch_uid="cocora-audit-signed-in")
def _signed_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    SignInEvent.objects.create(kind=SignInEvent.Kind.SIGNED_IN, user=user, ip_address=_ip(request))


@receiver(user_logged_out, dispatch_uid="cocora-audit-signed-out")
def _signed_out(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if user is not None:
        SignInEvent.objects.create(
            kind=SignInEvent.Kind.SIGNED_OUT, user=user, ip_address=_ip(request)
        )


@receiver(user_login_failed, dispatch_uid="cocora-audit-failed")
def _failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    login = str(credentials.get("email") or credentials.get("username") or "")[:254]
    SignInEvent.objects.create(
        kind=SignInEvent.Kind.FAILED, login=login.lower(), ip_address=_ip(request)
    )
