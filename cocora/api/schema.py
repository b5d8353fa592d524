"""What drf-spectacular needs to describe our API: the token scheme, and the error answers that
every operation shares (so that each view does not have to repeat them)."""

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema


class OrgAutoSchema(AutoSchema):
    """Only the `list` action answers in pages: another action that answers several objects
    at once (e.g. the sessions a rule generated) answers them as a plain array."""

    def _get_paginator(self) -> Any:
        if getattr(self.view, "action", None) != "list":
            return None
        return super()._get_paginator()


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "cocora.api.authentication.BearerTokenAuthentication"
    name = "token"

    def get_security_definition(self, auto_schema):  # type: ignore[no-untyped-def]
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal access token, created on your profile for one "
            "organisation: `Authorization: Bearer ccr_…`.",
        }


ERROR_SCHEMA = {
    "type": "object",
    "description": "The one shape of every error answer.",
    "properties": {
        "code": {
            "type": "string",
            "description": "Stable, for programs: invalid, malformed, not_authenticated, "
            "token_invalid, permission_denied, token_read_only, not_found, conflict, "
            "method_not_allowed, unsupported_media_type, throttled, …",
        },
        "message": {"type": "string", "description": "For people, in the request's language."},
        "errors": {
            "type": "object",
            "description": "Field name (dotted for nested items) → messages; empty when the "
            "error is not about fields.",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["code", "message", "errors"],
    "example": {
        "code": "invalid",
        "message": "The request has invalid fields.",
        "errors": {"starts_on": ["Enter a valid date."]},
    },
}

READ_ERRORS = {
    "400": "Invalid query parameters (filters, page size).",
    "401": "No valid token or session: missing, unknown, expired or revoked.",
    "403": "Your role lacks the permission, or the token is read-only.",
    "404": "No such object in this organisation (also for another organisation's ids).",
    "429": "Too many requests for this token; see Retry-After.",
}
WRITE_ERRORS = {
    **READ_ERRORS,
    "400": "Invalid input: malformed JSON, wrong types, unknown or missing fields.",
    "409": "The change conflicts with the current state (e.g. a cap, a withdrawn consent).",
    "415": "The body is not JSON.",
}


def add_error_responses(result: dict[str, Any], generator: Any, **kwargs: Any) -> dict[str, Any]:
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    for component in schemas.values():
        # An answer whose shape depends on the caller's role (e.g. a task as staff see it, or as
        # its ambassador sees it): the shapes overlap, so "any of", not "exactly one of".
        if "oneOf" in component and "discriminator" not in component:
            component["anyOf"] = component.pop("oneOf")
    schemas["Error"] = ERROR_SCHEMA
    ref = {"$ref": "#/components/schemas/Error"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            errors = READ_ERRORS if method in ("get", "head") else WRITE_ERRORS
            for code, description in errors.items():
                operation["responses"].setdefault(
                    code,
                    {"description": description, "content": {"application/json": {"schema": ref}}},
                )
    return result
