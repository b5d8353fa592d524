"""Courses, training records and refreshers due through the API: staff manage, trainers and
ambassadors read their own records only, partners nothing; the services' rules as 400s."""

from datetime import UTC, date, datetime

import pytest
import time_machine

from ambassadors.tests.factories import AmbassadorFactory
from cocora.organisations.context import org_context
from cocora.organisations.models import Role
from cocora.organisations.tests.factories import MembershipFactory
from cocora.testing.queries import count_queries
from training.models import TrainingRecord
from training.tests.factories import CourseFactory, TrainingRecordFactory

pytestmark = pytest.mark.django_db

MIDYEAR = datetime(2026, 7, 2, 10, tzinfo=UTC)


def _base(org):
    return f"/api/v1/o/{org.slug}/training/"


def test_a_coordinator_adds_a_course_and_records_it_for_several_people(org, api_client):
    client = api_client(org, Role.COORDINATOR)
    trainers = MembershipFactory.create_batch(2, organisation=org, role=Role.TRAINER)
    ambassador = AmbassadorFactory(organisation=org)

    course = client.post(
        _base(org) + "courses/",
        {
            "name": "Train-the-trainer",
            "hours": "21",
            "roles": ["trainer", "ambassador"],
            "programme_kinds": ["prevention"],
            "refresher_months": 6,
            "required_for_trainers": True,
        },
        format="json",
    )
    assert course.status_code == 201, course.json()
    recorded = client.post(
        _base(org) + "records/",
        {
            "course": course.json()["id"],
            "completed_on": "2026-03-31",
            "members": [t.pk for t in trainers],
            "ambassadors": [ambassador.pk],
        },
        format="json",
    )
    assert recorded.status_code == 201, recorded.json()
    rows = recorded.json()
    assert len(rows) == 3 and {row["refresher_due"] for row in rows} == {"2026-09-30"}
    assert {row["hours"] for row in rows} == {21.0}


def test_the_services_rules_are_400s_naming_the_field(org, api_client, other_org):
    client = api_client(org, Role.COORDINATOR)
    course = CourseFactory(organisation=org, roles=["trainer"])
    foreign = MembershipFactory(organisation=other_org, role=Role.TRAINER)

    required = client.post(
        _base(org) + "courses/",
        {"name": "X", "hours": "2", "required_for_trainers": True},
        format="json",
    )
    assert required.status_code == 400 and "programme_kinds" in str(required.json())
    unknown = client.post(
        _base(org) + "records/",
        {"course": course.pk, "completed_on": "2026-03-31", "members": [foreign.pk]},
        format="json",
    )
    assert unknown.status_code == 400 and "members" in str(unknown.json())
    wrong = client.post(
        _base(org) + "records/",
        {
            "course": course.pk,
            "completed_on": "2026-03-31",
            "ambassadors": [AmbassadorFactory(organisation=org).pk],
        },
        format="json",
    )
    assert wrong.status_code == 400
    with org_context(org.pk):
        assert not TrainingRecord.objects.for_org(org).exists()


def test_trainers_and_ambassadors_read_their_own_records_only(org, api_client):
    trainer = api_client(org, Role.TRAINER)
    mine = TrainingRecordFactory(organisation=org, membership=trainer.membership)
    other = TrainingRecordFactory(organisation=org)
    ambassador_client = api_client(org, Role.AMBASSADOR)
    ambassador = AmbassadorFactory(organisation=org, user=ambassador_client.membership.user)
    theirs = TrainingRecordFactory(organisation=org, membership=None, ambassador=ambassador)

    listed = trainer.get(_base(org) + "records/").json()["results"]
    assert [row["id"] for row in listed] == [mine.pk]
    assert trainer.get(_base(org) + f"records/{other.pk}/").status_code == 404
    assert trainer.post(_base(org) + "courses/", {"name": "Mine", "hours": 1}).status_code == 403
    assert trainer.get(_base(org) + "refreshers-due/").status_code == 403
    listed = ambassador_client.get(_base(org) + "records/").json()["results"]
    assert [row["id"] for row in listed] == [theirs.pk]

    partner = api_client(org, Role.PARTNER)
    for path in ("courses/", "records/", "refreshers-due/"):
        assert partner.get(_base(org) + path).status_code == 403


@time_machine.travel(MIDYEAR, tick=False)
def test_refreshers_due_are_listed_in_as_many_queries_for_50_as_for_5(org, api_client):
    client = api_client(org, Role.ADMIN)
    course = CourseFactory(organisation=org, refresher_months=6)
    client.get(_base(org) + "refreshers-due/")  # the token's first use is written down once

    def measure(people):
        TrainingRecordFactory.create_batch(
            people, organisation=org, course=course, completed_on=date(2026, 1, 1)
        )
        count, response = count_queries(
            lambda: client.get(_base(org) + "refreshers-due/", {"page_size": 100})
        )
        assert response.status_code == 200
        return count, response.json()["results"]

    few, rows = measure(5)
    assert {(row["refresher_due"], row["state"]) for row in rows} == {("2026-07-01", "lapsed")}
    many, rows = measure(45)
    assert len(rows) == 50 and few == many
