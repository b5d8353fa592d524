"""Objectives, indicators and funder reports through the API: the services' rules as 400s in
the documented shape, roles, and indicators' progress with the small-cell rule."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from cocora.organisations.context import org_context
from cocora.organisations.models import Role
from cocora.testing.queries import count_queries
from impact.models import Indicator, Objective
from impact.tests.factories import IndicatorFactory, ObjectiveFactory
from programmes.tests.factories import (
    AttendanceFactory,
    CohortFactory,
    EnrolmentFactory,
    ProgrammeFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db

CPH = ZoneInfo("Europe/Copenhagen")
MIDYEAR = datetime(2026, 7, 2, 12, tzinfo=CPH)


def _base(org):
    return f"/api/v1/o/{org.slug}/"


def test_a_coordinator_sets_an_objective_and_an_indicator(org, api_client):
    programme = ProgrammeFactory(organisation=org)
    client = api_client(org, Role.COORDINATOR)

    objective = client.post(
        _base(org) + "objectives/",
        {"programme": programme.pk, "title": "Young people speak up"},
        format="json",
    )
    assert objective.status_code == 201, objective.json()
    indicator = client.post(
        _base(org) + "indicators/",
        {
            "objective": objective.json()["id"],
            "kind": "output",
            "metric": "completions",
            "target": "10",
            "period_start": "2026-01-01",
            "period_end": "2026-12-31",
        },
        format="json",
    )
    assert indicator.status_code == 201, indicator.json()
    assert indicator.json()["metric"] == "completions"
    assert indicator.json()["value"] == {"value": 0, "suppressed": False, "text": "0"}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"metric": "attendance_rate", "target": "101"}, "target"),
        ({"target": "-1"}, "target"),
        ({"period_end": "2025-06-30"}, "period_end"),
        ({"kind": "outcome", "scale": "nonsense"}, "scale"),
    ],
)
def test_implausible_indicators_are_a_400_naming_the_field(org, api_client, changes, field):
    objective = ObjectiveFactory(organisation=org)
    body = {
        "objective": objective.pk,
        "kind": "output",
        "metric": "completions",
        "target": "10",
        "period_start": "2026-01-01",
        "period_end": "2026-12-31",
        **changes,
    }
    response = api_client(org, Role.COORDINATOR).post(
        _base(org) + "indicators/", body, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) >= {"code", "message", "errors"}
    assert field in response.json()["errors"]
    with org_context(org.pk):
        assert not Indicator.objects.for_org(org).exists()


def test_trainers_read_and_cannot_write_ambassadors_and_partners_see_nothing(org, api_client):
    objective = ObjectiveFactory(organisation=org)
    trainer = api_client(org, Role.TRAINER)
    assert trainer.get(_base(org) + "objectives/").status_code == 200
    changed = trainer.patch(
        _base(org) + f"objectives/{objective.pk}/", {"title": "Mine"}, format="json"
    )
    assert changed.status_code == 403
    assert trainer.get(_base(org) + "reports/").status_code == 403
    for role in (Role.AMBASSADOR, Role.PARTNER):
        assert api_client(org, role).get(_base(org) + "indicators/").status_code == 403
    with org_context(org.pk):
        assert Objective.objects.get(pk=objective.pk).title == objective.title


@time_machine.travel(MIDYEAR, tick=False)
def test_indicators_list_hides_small_cells_in_as_many_queries_for_50_people_as_for_5(
    org, api_client
):
    programme = ProgrammeFactory(organisation=org)
    cohort = CohortFactory(organisation=org, programme=programme)
    objective = ObjectiveFactory(organisation=org, programme=programme)
    rate = IndicatorFactory(
        organisation=org, objective=objective, metric="attendance_rate", target=80
    )
    IndicatorFactory(organisation=org, objective=objective, metric="sessions_held", target=10)
    client = api_client(org, Role.COORDINATOR)
    # The token's first use is written down once; the lists after it are what is compared.
    client.get(_base(org) + "indicators/")

    def measure(people):
        session = SessionFactory(
            organisation=org,
            cohort=cohort,
            status="held",
            starts_at=datetime(2026, 3, 1, 17, tzinfo=CPH) + timedelta(days=people),
        )
        for _ in range(people):
            enrolment = EnrolmentFactory(organisation=org, cohort=cohort)
            AttendanceFactory(organisation=org, session=session, enrolment=enrolment)
        count, response = count_queries(lambda: client.get(_base(org) + "indicators/"))
        assert response.status_code == 200
        return count, {row["id"]: row for row in response.json()["results"]}

    few, rows = measure(3)
    assert rows[rate.pk]["value"]["suppressed"] and rows[rate.pk]["state"] == "unknown"
    many, rows = measure(47)
    assert rows[rate.pk]["value"]["value"] == 100.0 and rows[rate.pk]["state"] == "on_track"
    assert few == many


def test_an_indicator_is_changed_field_by_field_and_checked_whole(org, api_client):
    indicator = IndicatorFactory(organisation=org, metric="attendance_rate", target=80)
    client = api_client(org, Role.COORDINATOR)
    path = _base(org) + f"indicators/{indicator.pk}/"

    assert client.patch(path, {"target": "90"}, format="json").json()["target"] == 90
    # The same target for a count would do; for this rate it is refused.
    refused = client.patch(path, {"target": "150"}, format="json")
    assert refused.status_code == 400 and "target" in refused.json()["errors"]
    with org_context(org.pk):
        assert Indicator.objects.get(pk=indicator.pk).target == 90


def test_a_funder_report_is_started_and_its_figures_read_through_the_api(org, api_client):
    programme = ProgrammeFactory(organisation=org)
    client = api_client(org, Role.COORDINATOR)
    created = client.post(
        _base(org) + "reports/",
        {
            "programme": programme.pk,
            "title": "To the foundation",
            "period_start": "2026-01-01",
            "period_end": "2026-12-31",
            "narrative_md": "A good year.",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    figures = client.get(_base(org) + f"reports/{created.json()['id']}/figures/").json()
    assert [row["metric"] for row in figures["outputs"]] == [
        "sessions_held",
        "attendance_rate",
        "completions",
        "peers_reached",
        "partner_activities",
    ]
    assert figures["threshold"] == 5
