"""Bearer tokens for the API. The browser session works as well (with its CSRF check)."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from .models import ApiToken
from .selectors import api_token_find


class TokenInvalid(exceptions.AuthenticationFailed):
    default_detail = _("The token is not valid: it is unknown, expired or revoked.")
    default_code = "token_invalid"


class BearerTokenAuthentication(BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise TokenInvalid(_("Send the token as 'Authorization: Bearer <token>'."))
        try:
            raw = header[1].decode("ascii")
        except UnicodeError:
            raise TokenInvalid() from None
        token = api_token_find(raw=raw)
        if token is None or not token.is_usable() or not token.user.is_active:
            raise TokenInvalid()
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return f'{self.keyword} realm="api"'
