"""What the API tests of the ambassadors app share (no tests here): URLs, an ambassador's own
token, the audit trail, query counts."""

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from ambassadors.models import Ambassador
from cocora.audit.models import AuditEvent
from cocora.organisations.context import org_context
from cocora.organisations.models import Organisation, Role
from cocora.testing.fixtures import make_api_client
from cocora.testing.queries import api_tenant_settings_queries, count_queries

from .factories import AmbassadorFactory

# On PostgreSQL an API request also sets the tenant settings (see the helper). None on SQLite.
API_TENANT_QUERIES = api_tenant_settings_queries()


def api(org: Organisation, path: str) -> str:
    return f"/api/v1/o/{org.slug}/{path}"


def ambassador_token(org: Organisation, *, read_only: bool = False, **kwargs: Any) -> Any:
    """An API client of an ambassador-role member whose ambassador record is linked to their
    account (`.ambassador`)."""
    client = make_api_client(org, Role.AMBASSADOR, read_only=read_only)
    client.ambassador = AmbassadorFactory(organisation=org, user=client.membership.user, **kwargs)
    return client


def audit_actions(org: Organisation) -> list[str]:
    with org_context(org.pk):
        return list(AuditEvent.objects.for_org(org).order_by("pk").values_list("action", flat=True))


def fetch(org: Organisation, model: Any, pk: int) -> Any:
    with org_context(org.pk):
        return model.objects.for_org(org).get(pk=pk)


def count(org: Organisation, model: Any, **filters: Any) -> int:
    with org_context(org.pk):
        return int(model.objects.for_org(org).filter(**filters).count())


def name_of(org: Organisation, ambassador: Ambassador) -> str:
    with org_context(org.pk):
        return str(Ambassador.objects.for_org(org).get(pk=ambassador.pk).participant.display_name)


def next_monday() -> date:
    today = timezone.localdate()
    return today + timedelta(days=7 - today.weekday())


def measure_list(
    client: Any, url: str, make: Callable[[int], Any], totals: tuple[int, int] = (5, 50)
) -> list[int]:
    """Queries of `GET url` after making rows up to each total; checks every row is listed."""
    made, counts = 0, []
    # A token's first request of the minute records its use: warm it up so it is not counted.
    client.get(url)
    for total in totals:
        make(total - made)
        made = total
        queries, response = count_queries(lambda: client.get(url, {"page_size": 200}))
        assert response.status_code == 200, response.json()
        assert response.json()["count"] == total
        counts.append(queries)
    return counts
