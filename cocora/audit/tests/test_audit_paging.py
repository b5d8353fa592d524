"""The audit page as the trail grows: a bounded count, filters that the index can serve, and days
read in the organisation's time zone."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.urls import reverse

from cocora.audit import views as audit_views
from cocora.audit.models import AuditEvent
from cocora.core.dates import day_start
from cocora.organisations.context import org_context
from cocora.organisations.models import Role

pytestmark = pytest.mark.django_db


def _events(org, count, action="participant.viewed"):
    with org_context(org.pk):
        AuditEvent.objects.bulk_create(
            AuditEvent(organisation=org, action=action) for _ in range(count)
        )


def test_past_the_cap_the_page_says_more_than_and_asks_for_filters(org, member_client, monkeypatch):
    monkeypatch.setattr(audit_views, "COUNT_CAP", 5)
    admin = member_client(org, Role.ADMIN)
    _events(org, 8)
    _events(org, 2, action="consent.withdrawn")
    url = reverse("audit_log", args=[org.slug])

    everything = admin.get(url).content.decode()
    narrowed = admin.get(url, {"action": "consent"}).content.decode()

    assert "more than 5 in all: narrow the filters to reach the rest" in everything
    assert "Page 1 of 1 · 2 in all" in narrowed


def test_a_day_is_the_organisations_day_not_the_servers(org, member_client):
    org.time_zone = "Europe/Copenhagen"
    org.save()
    admin = member_client(org, Role.ADMIN)
    # 23:30 on 3 December in Copenhagen, and 00:30 on the 4th (still the 3rd in UTC).
    for moment, action in (
        (datetime(2026, 12, 3, 22, 30, tzinfo=UTC), "consent.withdrawn"),
        (datetime(2026, 12, 3, 23, 30, tzinfo=UTC), "consent.recorded"),
    ):
        with time_machine.travel(moment, tick=False), org_context(org.pk):
            AuditEvent.objects.create(organisation=org, action=action)

    page = admin.get(
        reverse("audit_log", args=[org.slug]),
        {"action": "consent", "since": "2026-12-03", "until": "2026-12-03"},
    ).content.decode()

    assert "Consent withdrawn" in page
    assert "Consent recorded" not in page


def test_the_first_moment_of_a_day_where_the_clocks_skip_midnight():
    # Cuba moved its clocks from 00:00 to 01:00 on 10 March 2024: that day began at 01:00.
    start = day_start(date(2024, 3, 10), "America/Havana")

    assert (start.hour, start.minute) == (1, 0)
    assert day_start(date(2026, 12, 4), "Europe/Copenhagen") == datetime(
        2026, 12, 3, 23, 0, tzinfo=UTC
    )
