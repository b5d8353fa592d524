from typing import Any

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from .models import ApiToken


class TokenRateThrottle(SimpleRateThrottle):
    """Requests per token (or per signed-in person in the browser), counted in the cache. The
    rate is read from the settings on every request, so that it can differ per deployment."""

    scope = "api"

    def get_rate(self) -> str:
        return str(settings.COCORA_API_RATE)

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if isinstance(request.auth, ApiToken):
            ident = f"token:{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            ident = f"anon:{self.get_ident(request)}"
        return f"cocora:throttle:{ident}"
