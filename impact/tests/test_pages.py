"""The impact pages: who may read and edit, what the services refuse and how the page says it,
progress against targets, and query counts that do not grow with the data."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from cocora.audit.models import AuditEvent
from cocora.organisations.context import org_context
from cocora.organisations.models import Role
from cocora.testing.queries import count_queries, tenant_settings_queries
from impact.models import Indicator, Objective
from impact.selectors import indicator_progress, targets_behind
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
# Half-way through 2026 in Copenhagen: half of a year's count is due.
MIDYEAR = datetime(2026, 7, 2, 12, tzinfo=CPH)


def _impact(org, programme):
    return reverse("impact_programme", args=[org.slug, programme.pk])


def _held(org, cohort, count, *, people=()):
    for i in range(count):
        session = SessionFactory(
            organisation=org,
            cohort=cohort,
            status="held",
            starts_at=datetime(2026, 2, 1, 10, tzinfo=CPH) + timedelta(days=i),
        )
        for enrolment in people:
            AttendanceFactory(organisation=org, session=session, enrolment=enrolment)


@time_machine.travel(MIDYEAR, tick=False)
def test_progress_is_on_track_or_behind_against_the_share_of_the_target_due(org):
    programme = ProgrammeFactory(organisation=org)
    cohort = CohortFactory(organisation=org, programme=programme)
    _held(org, cohort, 12)
    objective = ObjectiveFactory(organisation=org, programme=programme)
    # 12 held; half of 20 (10) is due by July: on track. Half of 30 (15) is due: behind.
    on_track = IndicatorFactory(organisation=org, objective=objective, target=20)
    behind = IndicatorFactory(organisation=org, objective=objective, target=30)
    # Not started yet: neither.
    IndicatorFactory(
        organisation=org,
        objective=objective,
        target=30,
        period_start=date(2026, 9, 1),
        period_end=date(2027, 8, 31),
    )
    today = date(2026, 7, 2)

    with org_context(org.pk):
        rows = {row.indicator.pk: row for row in indicator_progress(organisation=org, today=today)}
        late = targets_behind(organisation=org, today=today)

    assert rows[on_track.pk].value.value == 12 and rows[on_track.pk].on_track
    assert rows[behind.pk].behind and rows[behind.pk].expected == pytest.approx(15.04, abs=0.1)
    assert [row.indicator.pk for row in late] == [behind.pk]


@time_machine.travel(MIDYEAR, tick=False)
def test_a_rate_over_fewer_people_than_the_threshold_is_hidden_and_judged_neither_way(org):
    programme = ProgrammeFactory(organisation=org)
    cohort = CohortFactory(organisation=org, programme=programme)
    people = [EnrolmentFactory(organisation=org, cohort=cohort) for _ in range(3)]
    _held(org, cohort, 2, people=people)
    indicator = IndicatorFactory(
        organisation=org,
        objective=ObjectiveFactory(organisation=org, programme=programme),
        metric="attendance_rate",
        target=80,
    )
    with org_context(org.pk):
        (row,) = indicator_progress(organisation=org, today=date(2026, 7, 2))
    assert row.indicator == indicator
    assert row.value.suppressed and not row.on_track and not row.behind


@time_machine.travel(MIDYEAR, tick=False)
def test_the_impact_page_shows_progress_with_a_chart_to_trainers_and_coordinators(
    org, member_client
):
    programme = ProgrammeFactory(organisation=org)
    _held(org, CohortFactory(organisation=org, programme=programme), 7)
    objective = ObjectiveFactory(organisation=org, programme=programme, title="Regular meetings")
    IndicatorFactory(organisation=org, objective=objective, target=40)

    for role, edits in ((Role.COORDINATOR, True), (Role.TRAINER, False)):
        response = member_client(org, role).get(_impact(org, programme))
        assert response.status_code == 200
        page = response.content.decode()
        assert "Regular meetings" in page and "<svg" in page and "behind" in page
        assert ("Add an indicator" in page) is edits


@pytest.mark.parametrize("role", [Role.AMBASSADOR, Role.PARTNER])
def test_ambassadors_and_partner_contacts_are_refused(org, member_client, role):
    programme = ProgrammeFactory(organisation=org)
    objective = ObjectiveFactory(organisation=org, programme=programme)
    client = member_client(org, role)
    assert client.get(_impact(org, programme)).status_code == 403
    url = reverse("impact_objective_edit", args=[org.slug, objective.pk])
    assert client.post(url, {"title": "Changed"}).status_code == 403
    with org_context(org.pk):
        assert Objective.objects.get(pk=objective.pk).title == objective.title


def test_trainers_read_but_cannot_change_objectives_or_see_reports(org, member_client):
    programme = ProgrammeFactory(organisation=org)
    client = member_client(org, Role.TRAINER)
    create = reverse("impact_objective_create", args=[org.slug, programme.pk])
    assert client.post(create, {"title": "Mine"}).status_code == 403
    assert client.get(reverse("impact_reports", args=[org.slug, programme.pk])).status_code == 403
    with org_context(org.pk):
        assert not Objective.objects.for_org(org).exists()


def test_a_coordinator_sets_an_objective_and_an_indicator(org, member_client):
    programme = ProgrammeFactory(organisation=org)
    client = member_client(org, Role.COORDINATOR)

    response = client.post(
        reverse("impact_objective_create", args=[org.slug, programme.pk]),
        {"title": "Young people keep coming", "description": ""},
    )
    with org_context(org.pk):
        objective = Objective.objects.for_org(org).get()
    assert response.status_code == 302
    response = client.post(
        reverse("impact_indicator_create", args=[org.slug, objective.pk]),
        {
            "kind": "output",
            "metric": "attendance_rate",
            "direction": "at_least",
            "target": "75",
            "period_start": "2026-01-01",
            "period_end": "2026-12-31",
        },
    )
    assert response.status_code == 302
    with org_context(org.pk):
        indicator = Indicator.objects.for_org(org).get()
    assert (indicator.metric, indicator.target) == ("attendance_rate", 75)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"target": "120"}, "target", "A rate lies between 0 and 100 %."),
        (
            {"metric": "sessions_held", "target": "-3"},
            "target",
            "A count is a whole number of 0 or more",
        ),
        (
            {"metric": "sessions_held", "target": "2.5"},
            "target",
            "A count is a whole number of 0 or more",
        ),
        (
            {"period_end": "2025-12-31"},
            "period_end",
            "The period must end after the day it starts.",
        ),
        ({"metric": ""}, "metric", "Choose what is counted."),
        ({"kind": "outcome", "metric": "", "scale": "nonsense"}, "scale", "scale"),
    ],
)
def test_implausible_indicators_are_refused_with_a_message_and_nothing_changes(
    org, member_client, changes, field, message
):
    objective = ObjectiveFactory(organisation=org)
    client = member_client(org, Role.COORDINATOR)
    data = {
        "kind": "output",
        "metric": "attendance_rate",
        "direction": "at_least",
        "target": "75",
        "period_start": "2026-01-01",
        "period_end": "2026-12-31",
        **changes,
    }
    response = client.post(reverse("impact_indicator_create", args=[org.slug, objective.pk]), data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors or None in errors
    assert message in " ".join(str(e) for e in errors.values())
    with org_context(org.pk):
        assert not Indicator.objects.for_org(org).exists()


@time_machine.travel(MIDYEAR, tick=False)
def test_the_impact_page_makes_as_many_queries_for_50_sessions_and_people_as_for_5(
    org, member_client
):
    programme = ProgrammeFactory(organisation=org)
    cohort = CohortFactory(organisation=org, programme=programme)
    objective = ObjectiveFactory(organisation=org, programme=programme)
    for metric, target in (("sessions_held", 20), ("attendance_rate", 80), ("completions", 10)):
        IndicatorFactory(organisation=org, objective=objective, metric=metric, target=target)
    client = member_client(org, Role.COORDINATOR)

    def measure(n):
        people = [EnrolmentFactory(organisation=org, cohort=cohort) for _ in range(n)]
        _held(org, cohort, n, people=people[:3])
        count, response = count_queries(lambda: client.get(_impact(org, programme)))
        assert response.status_code == 200
        return count

    five = measure(5)
    fifty = measure(45)
    # session, user, the member's memberships with their organisations (the switcher too),
    # programme, objectives, indicators, one per metric (3) = 9 (+2 tenant settings on PostgreSQL).
    assert five == fifty == 9 + 2 * tenant_settings_queries()


@time_machine.travel(MIDYEAR, tick=False)
def test_the_home_page_names_targets_behind_to_coordinators_only(org, member_client):
    programme = ProgrammeFactory(organisation=org, title="Evening group")
    _held(org, CohortFactory(organisation=org, programme=programme), 2)
    IndicatorFactory(
        organisation=org,
        objective=ObjectiveFactory(organisation=org, programme=programme),
        target=40,
    )
    home = reverse("org_home", args=[org.slug])
    page = member_client(org, Role.COORDINATOR).get(home).content.decode()
    assert "Targets behind" in page and "Evening group" in page
    assert "Targets behind" not in member_client(org, Role.TRAINER).get(home).content.decode()


def test_deleting_an_objective_deletes_its_indicators_and_is_recorded(org, member_client):
    indicator = IndicatorFactory(organisation=org)
    objective = indicator.objective
    client = member_client(org, Role.COORDINATOR)
    url = reverse("impact_objective_delete", args=[org.slug, objective.pk])
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    with org_context(org.pk):
        assert not Indicator.objects.for_org(org).exists()
        assert AuditEvent.objects.for_org(org).filter(action="objective.deleted").exists()
