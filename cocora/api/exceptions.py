"""One error shape for every API answer that is not a success:

    {"code": "invalid", "message": "…", "errors": {"field": ["…"]}}

`code` is stable and meant for programs; `message` is for people, in the request's language;
`errors` names the fields at fault (empty when the error is not about fields)."""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from cocora.core.errors import ApplicationError

# A service's refusal that concerns the state of things rather than the input: 409 Conflict.
CONFLICT_CODES = frozenset(
    {"conflict", "gone", "in_use", "cap", "debrief", "duplicate", "not_ready"}
)
FORBIDDEN_CODES = frozenset({"forbidden"})


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error details as {"field" or "items.2.field": [messages]}."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if key == "non_field_errors":
                name = prefix or "non_field_errors"
            for k, v in _flatten(value, name).items():
                out.setdefault(k, []).extend(v)
    elif isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            out[prefix or "non_field_errors"] = [str(item) for item in detail]
        else:
            for index, item in enumerate(detail):
                for k, v in _flatten(item, f"{prefix}.{index}" if prefix else str(index)).items():
                    out.setdefault(k, []).extend(v)
    elif detail is not None:
        out[prefix or "non_field_errors"] = [str(detail)]
    return out


def error_body(code: str, message: str, errors: dict[str, list[str]] | None = None) -> dict:
    return {"code": code, "message": str(message), "errors": errors or {}}


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ApplicationError):
        if exc.code in CONFLICT_CODES:
            status_code = status.HTTP_409_CONFLICT
        elif exc.code in FORBIDDEN_CODES:
            status_code = status.HTTP_403_FORBIDDEN
        else:
            status_code = status.HTTP_400_BAD_REQUEST
        errors = {exc.field: [str(exc.message)]} if exc.field else {}
        code = exc.code if exc.code != "invalid" or not errors else "invalid"
        return Response(error_body(code, str(exc.message), errors), status=status_code)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    if isinstance(exc, exceptions.ValidationError):
        body = error_body("invalid", _("The request has invalid fields."), _flatten(exc.detail))
    elif isinstance(exc, exceptions.ParseError):
        body = error_body(
            "malformed",
            _("The request body could not be read: %(reason)s") % {"reason": exc.detail},
        )
    else:
        detail = exc.detail
        code = getattr(detail, "code", None) or exc.default_code
        if isinstance(detail, dict | list):
            body = error_body(str(code), str(exc.default_detail), _flatten(detail))
        else:
            body = error_body(str(code), str(detail))
    response.data = body
    return response


def _is_api(request: Any) -> bool:
    return str(request.path).startswith("/api/")


def page_not_found(request: Any, exception: Exception) -> Any:
    """Django's 404 for a path no view answers: the API's error shape under /api/."""
    from django.http import JsonResponse
    from django.views import defaults

    if _is_api(request):
        message = _("Not found.")
        if not str(request.path).endswith("/"):
            message = _("Not found. Every API path ends with a slash.")
        return JsonResponse(error_body("not_found", message), status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: Any) -> Any:
    from django.http import JsonResponse
    from django.views import defaults

    if _is_api(request):
        body = error_body("server_error", _("Something went wrong on our side; nothing was saved."))
        return JsonResponse(body, status=500)
    return defaults.server_error(request)
