"""What the partners API tests share: URLs by name, the audit lines and rows of a table."""

from typing import Any

from django.urls import reverse

from cocora.audit.models import AuditEvent
from cocora.organisations.context import org_context
from cocora.testing.queries import api_request_queries as request_queries  # noqa: F401


def url(name: str, org: Any, **ids: Any) -> str:
    return reverse(f"api-{name}", kwargs={"org_slug": org.slug, **ids})


def actions(org: Any) -> list[str]:
    with org_context(org.pk):
        return list(AuditEvent.objects.for_org(org).order_by("pk").values_list("action", flat=True))


def rows(model: Any, org: Any) -> list[dict[str, Any]]:
    with org_context(org.pk):
        return list(model.objects.for_org(org).order_by("pk").values())
