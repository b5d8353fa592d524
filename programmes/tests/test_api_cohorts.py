"""The cohorts API: cohorts, their trainers, and enrolments under /api/v1/o/<org_slug>/."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from cocora.audit.models import AuditEvent
from cocora.core.dates import organisation_today
from cocora.core.ids import MAX_IDS
from cocora.organisations.context import org_context
from cocora.organisations.models import Role
from cocora.organisations.tests.factories import MembershipFactory
from cocora.testing.queries import count_queries
from programmes.models import Cohort, CohortTrainer, Enrolment
from programmes.tests.factories import (
    CohortFactory,
    CohortTrainerFactory,
    ConsentFactory,
    EnrolmentFactory,
    ParticipantFactory,
    ProgrammeFactory,
)

pytestmark = pytest.mark.django_db

# The field policy of each answer, per role: an added field fails these on purpose.
COHORT_FIELDS = {
    "id",
    "programme",
    "programme_title",
    "name",
    "starts_on",
    "ends_on",
    "venue",
    "capacity",
    "places_taken",
    "waiting",
    "safe_space",
    "coordinator",
    "trainers",
    "created_at",
    "updated_at",
}
PERSON_FIELDS = {"id", "name"}
# Staff and the cohort's trainers see the same: no contact data, nothing else of the record.
ENROLMENT_FIELDS = {
    "id",
    "cohort",
    "participant",
    "display_name",
    "code",
    "stage",
    "joined_on",
    "stage_changed_at",
}
ENROL_RESULT_FIELDS = {"participant", "outcome", "reason", "enrolment"}


def _url(name, org, **ids):
    return reverse(f"api-{name}", kwargs={"org_slug": org.slug, **ids})


def _queries(client, url, params=None):
    """Queries of a GET, after one request that lets the token note when it was first used."""
    client.get(url, params)
    return count_queries(lambda: client.get(url, params))


def _audit_actions(org):
    with org_context(org.pk):
        return list(AuditEvent.objects.for_org(org).values_list("action", flat=True))


def _trainer_of(org, api_client, *cohorts):
    client = api_client(org, Role.TRAINER)
    for cohort in cohorts:
        CohortTrainerFactory(organisation=org, cohort=cohort, user=client.membership.user)
    return client


def _consenting_participant(org, **kwargs):
    participant = ParticipantFactory(organisation=org, **kwargs)
    ConsentFactory(organisation=org, participant=participant)
    return participant


def _enrolments(org, cohort):
    with org_context(org.pk):
        return dict(
            Enrolment.objects.for_org(org)
            .filter(cohort=cohort)
            .values_list("participant_id", "stage")
        )


# SECTION: cohorts


def test_staff_see_every_cohort_and_a_trainer_only_their_own(org, api_client):
    mine = CohortFactory(organisation=org, name="Mine")
    CohortFactory(organisation=org, name="Theirs")
    trainer = _trainer_of(org, api_client, mine)

    staff_rows = api_client(org, Role.COORDINATOR).get(_url("cohort-list", org)).json()["results"]
    trainer_rows = trainer.get(_url("cohort-list", org)).json()["results"]

    assert {row["name"] for row in staff_rows} == {"Mine", "Theirs"}
    assert [row["name"] for row in trainer_rows] == ["Mine"]
    # The same fields for staff and for the cohort's trainers.
    assert set(staff_rows[0]) == set(trainer_rows[0]) == COHORT_FIELDS
    assert trainer_rows[0]["trainers"] == [
        {"id": trainer.membership.user.pk, "name": str(trainer.membership.user)}
    ]


def test_a_trainer_gets_404_for_a_cohort_they_do_not_train(org, api_client):
    theirs = CohortFactory(organisation=org)
    trainer = _trainer_of(org, api_client, CohortFactory(organisation=org))
    assert trainer.get(_url("cohort-detail", org, cohort_id=theirs.pk)).status_code == 404
    assert trainer.get(_url("cohort-enrolments", org, cohort_id=theirs.pk)).status_code == 404


def test_cohorts_are_not_for_ambassadors(org, api_client):
    cohort = CohortFactory(organisation=org)
    ambassador = api_client(org, Role.AMBASSADOR)
    assert ambassador.get(_url("cohort-list", org)).status_code == 403
    # They see no cohort at all: an existing cohort is the same 404 as a missing one.
    assert ambassador.get(_url("cohort-detail", org, cohort_id=cohort.pk)).status_code == 404
    assert ambassador.get(_url("cohort-enrolments", org, cohort_id=cohort.pk)).status_code == 404


def test_cohorts_filter_by_programme_and_by_running_today(org, api_client):
    programme = ProgrammeFactory(organisation=org)
    # "Today" is the organisation's day, not the server's.
    today = organisation_today(org)
    CohortFactory(organisation=org, programme=programme, name="Running", starts_on=today)
    CohortFactory(
        organisation=org,
        programme=programme,
        name="Over",
        starts_on=today - timedelta(days=90),
        ends_on=today - timedelta(days=1),
    )
    CohortFactory(organisation=org, name="Elsewhere", starts_on=today)
    client = api_client(org, Role.COORDINATOR)
    url = _url("cohort-list", org)

    def names(params):
        response = client.get(url, params)
        assert response.status_code == 200
        return {row["name"] for row in response.json()["results"]}

    assert names({"programme": programme.pk}) == {"Running", "Over"}
    assert names({"programme": programme.pk, "active": "true"}) == {"Running"}
    assert names({"active": "false"}) == {"Over"}
    bad = client.get(url, {"programme": "9" * 25})
    assert bad.status_code == 400
    assert "programme" in bad.json()["errors"]


def test_cohort_list_queries_do_not_grow_with_rows(org, api_client):
    client = api_client(org, Role.COORDINATOR)
    trainer = MembershipFactory(organisation=org, role=Role.TRAINER).user

    def measure(count):
        programme = ProgrammeFactory(organisation=org)
        for _ in range(count):
            cohort = CohortFactory(organisation=org, programme=programme)
            CohortTrainerFactory(organisation=org, cohort=cohort, user=trainer)
            EnrolmentFactory(organisation=org, cohort=cohort)
        queries, response = _queries(client, _url("cohort-list", org), {"programme": programme.pk})
        assert len(response.json()["results"]) == count
        return queries

    # Token, membership, the page count, the cohorts with counts, their trainers: constant.
    assert measure(5) == measure(50)


def test_a_coordinator_opens_a_cohort_with_trainers(org, api_client):
    client = api_client(org, Role.COORDINATOR)
    programme = ProgrammeFactory(organisation=org)
    trainer = MembershipFactory(organisation=org, role=Role.TRAINER).user

    response = client.post(
        _url("cohort-list", org),
        {
            "programme": programme.pk,
            "name": "Spring group",
            "starts_on": "2026-03-02",
            "ends_on": "2026-06-29",
            "capacity": 12,
            "coordinator": client.membership.user.pk,
            "trainers": [trainer.pk],
        },
    )

    assert response.status_code == 201
    body = response.json()
    assert set(body) == COHORT_FIELDS
    assert set(body["coordinator"]) == PERSON_FIELDS
    assert body["coordinator"]["id"] == client.membership.user.pk
    assert [t["id"] for t in body["trainers"]] == [trainer.pk]
    assert (body["places_taken"], body["waiting"], body["capacity"]) == (0, 0, 12)
    assert "api.api-cohort-list" in _audit_actions(org)


def test_a_longer_list_of_trainers_than_one_request_may_name_is_refused_for_its_length(
    org, api_client
):
    """Beyond MAX_IDS the list is refused before any id is looked up: a list longer than one
    database statement could carry (65,535 parameters) is never a server error."""
    client = api_client(org, Role.COORDINATOR)
    body = {
        "programme": ProgrammeFactory(organisation=org).pk,
        "name": "Spring group",
        "starts_on": "2026-03-02",
        "trainers": list(range(1, 70_001)),
    }

    response = client.post(_url("cohort-list", org), body, format="json")

    assert response.status_code == 400
    assert str(MAX_IDS) in str(response.json()["errors"]["trainers"])
    with org_context(org.pk):
        assert not Cohort.objects.for_org(org).filter(name="Spring group").exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ends_on": "2026-01-01"}, "ends_on"),
        ({"name": ""}, "name"),
        ({"capacity": 0}, "capacity"),
        ({"starts_on": "0001-01-01"}, "starts_on"),
        ({"coordinator": "trainer"}, "coordinator"),  # a trainer cannot coordinate
        ({"coordinator": 10**12}, "coordinator"),
        ({"trainers": ["ambassador"]}, "trainers"),
        ({"programme": "foreign"}, "programme"),
        ({"organisation": 1}, "organisation"),
    ],
)
def test_a_bad_cohort_is_refused_naming_the_field(org, other_org, api_client, change, field):
    client = api_client(org, Role.COORDINATOR)
    people = {
        "trainer": MembershipFactory(organisation=org, role=Role.TRAINER).user.pk,
        "ambassador": MembershipFactory(organisation=org, role=Role.AMBASSADOR).user.pk,
        "foreign": ProgrammeFactory(organisation=other_org).pk,
    }
    body = {
        "programme": ProgrammeFactory(organisation=org).pk,
        "name": "Spring group",
        "starts_on": "2026-03-02",
    }
    for key, value in change.items():
        if isinstance(value, list):
            body[key] = [people.get(v, v) for v in value]
        else:
            body[key] = people.get(value, value) if isinstance(value, str) else value

    response = client.post(_url("cohort-list", org), body, format="json")

    assert response.status_code == 400
    assert field in response.json()["errors"]
    with org_context(org.pk):
        assert not Cohort.objects.for_org(org).exists()


def test_no_new_cohort_opens_in_an_archived_programme(org, api_client):
    programme = ProgrammeFactory(organisation=org, archived_at=timezone.now())
    response = api_client(org, Role.COORDINATOR).post(
        _url("cohort-list", org),
        {"programme": programme.pk, "name": "Late", "starts_on": "2026-03-02"},
    )
    assert response.status_code == 400
    assert "programme" in response.json()["errors"]
    with org_context(org.pk):
        assert not Cohort.objects.for_org(org).exists()


def test_trainers_cannot_open_or_change_cohorts(org, api_client):
    cohort = CohortFactory(organisation=org, name="Old")
    trainer = _trainer_of(org, api_client, cohort)
    created = trainer.post(
        _url("cohort-list", org),
        {"programme": cohort.programme_id, "name": "Mine", "starts_on": "2026-03-02"},
    )
    changed = trainer.patch(_url("cohort-detail", org, cohort_id=cohort.pk), {"name": "Mine"})
    assert created.status_code == changed.status_code == 403
    with org_context(org.pk):
        assert list(Cohort.objects.for_org(org).values_list("name", flat=True)) == ["Old"]


def test_a_read_only_token_cannot_change_a_cohort(org, api_client):
    cohort = CohortFactory(organisation=org, name="Old")
    client = api_client(org, Role.ADMIN, read_only=True)
    response = client.patch(_url("cohort-detail", org, cohort_id=cohort.pk), {"name": "New"})
    assert response.status_code == 403
    assert response.json()["code"] == "token_read_only"
    with org_context(org.pk):
        cohort.refresh_from_db()
    assert cohort.name == "Old"


def test_a_cohort_is_changed_and_its_trainers_replaced(org, api_client):
    client = api_client(org, Role.COORDINATOR)
    cohort = CohortFactory(organisation=org, name="Old", venue="Hall")
    old, new = (MembershipFactory(organisation=org, role=Role.TRAINER).user for _ in range(2))
    CohortTrainerFactory(organisation=org, cohort=cohort, user=old)

    response = client.patch(
        _url("cohort-detail", org, cohort_id=cohort.pk),
        {"name": "New", "trainers": [new.pk], "coordinator": client.membership.user.pk},
    )

    assert response.status_code == 200
    assert [t["id"] for t in response.json()["trainers"]] == [new.pk]
    with org_context(org.pk):
        cohort.refresh_from_db()
        trainers = set(
            CohortTrainer.objects.for_org(org)
            .filter(cohort=cohort)
            .values_list("user_id", flat=True)
        )
    assert (cohort.name, cohort.venue, cohort.coordinator_id) == (
        "New",
        "Hall",
        client.membership.user.pk,
    )
    assert trainers == {new.pk}
    actions = _audit_actions(org)
    assert "api.api-cohort-detail" in actions
    assert "cohort.trainers_changed" in actions and "cohort.coordinator_changed" in actions


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"capacity": 1}, "capacity"),  # two people hold a place
        ({"programme": 1}, "programme"),  # a cohort keeps its programme
        ({"ends_on": "2000-01-01"}, "ends_on"),
        ({"venue": "v" * 201}, "venue"),
    ],
)
def test_a_bad_cohort_change_is_refused_and_changes_nothing(org, api_client, body, field):
    cohort = CohortFactory(organisation=org, name="Old", capacity=15, starts_on=date(2026, 3, 1))
    for _ in range(2):
        EnrolmentFactory(organisation=org, cohort=cohort, stage="enrolled")
    response = api_client(org, Role.COORDINATOR).patch(
        _url("cohort-detail", org, cohort_id=cohort.pk), {"name": "New", **body}
    )
    assert response.status_code == 400
    assert field in response.json()["errors"]
    with org_context(org.pk):
        cohort.refresh_from_db()
    assert (cohort.name, cohort.capacity) == ("Old", 15)


def test_another_organisations_cohort_is_not_found(org, other_org, api_client):
    theirs = CohortFactory(organisation=other_org, name="Theirs")
    participant = _consenting_participant(other_org)
    client = api_client(org, Role.ADMIN)

    assert client.get(_url("cohort-detail", org, cohort_id=theirs.pk)).status_code == 404
    assert (
        client.patch(_url("cohort-detail", org, cohort_id=theirs.pk), {"name": "Mine"}).status_code
        == 404
    )
    enrolments = _url("cohort-enrolments", org, cohort_id=theirs.pk)
    assert client.get(enrolments).status_code == 404
    assert client.post(enrolments, {"participants": [participant.pk]}).status_code == 404
    with org_context(other_org.pk):
        theirs.refresh_from_db()
    assert theirs.name == "Theirs"
    assert _enrolments(other_org, theirs) == {}


# SECTION: enrolments


def test_staff_and_the_cohorts_trainers_list_enrolments_without_contact_data(org, api_client):
    cohort = CohortFactory(organisation=org)
    participant = ParticipantFactory(
        organisation=org, display_name="Sami", email="sami@example.org", phone="+4512345678"
    )
    EnrolmentFactory(organisation=org, cohort=cohort, participant=participant)
    EnrolmentFactory(organisation=org)  # another cohort's
    url = _url("cohort-enrolments", org, cohort_id=cohort.pk)

    for client in (api_client(org, Role.COORDINATOR), _trainer_of(org, api_client, cohort)):
        response = client.get(url)
        assert response.status_code == 200
        (row,) = response.json()["results"]
        assert set(row) == ENROLMENT_FIELDS
        assert (row["display_name"], row["code"]) == ("Sami", participant.code)
        assert "sami@example.org" not in response.content.decode()


def test_enrolments_filter_by_stage_and_change(org, api_client):
    cohort = CohortFactory(organisation=org)
    EnrolmentFactory(organisation=org, cohort=cohort, stage="waitlisted")
    active = EnrolmentFactory(organisation=org, cohort=cohort, stage="active")
    client = api_client(org, Role.COORDINATOR)
    url = _url("cohort-enrolments", org, cohort_id=cohort.pk)

    by_stage = client.get(url, {"stage": "active"}).json()["results"]
    assert [row["id"] for row in by_stage] == [active.pk]
    later = client.get(url, {"changed_since": "2999-01-01T00:00:00Z"}).json()["results"]
    assert later == []
    assert client.get(url, {"changed_since": "yesterday"}).status_code == 400


def test_each_listed_enrolment_is_the_enrolments_own_read(org, api_client):
    # Regression guard: the list writes its rows in one pass over plain values
    # (enrolment_summaries), one enrolment through EnrolmentSerializer, the schema's
    # description. A field the two write differently (a time's zone, a key's order) shows here.
    # Half past midnight in Copenhagen: the organisation's day is not UTC's.
    with time_machine.travel(datetime(2026, 11, 22, 23, 30, tzinfo=UTC), tick=False):
        cohort = CohortFactory(organisation=org, capacity=10)
        EnrolmentFactory(organisation=org, cohort=cohort, stage="waitlisted")
        EnrolmentFactory(
            organisation=org,
            cohort=cohort,
            participant=ParticipantFactory(organisation=org, email="sami@example.org"),
        )
        EnrolmentFactory(organisation=org, cohort=cohort, stage="completed")
        EnrolmentFactory(organisation=org)  # another cohort's
        clients = [
            api_client(org, Role.ADMIN),
            api_client(org, Role.COORDINATOR),
            _trainer_of(org, api_client, cohort),
        ]
        for client in clients:
            url = _url("cohort-enrolments", org, cohort_id=cohort.pk)
            for params in ({}, {"stage": "completed"}, {"page_size": 2, "page": 2}):
                rows = client.get(url, params).json()["results"]
                assert rows
                for row in rows:
                    one = client.get(_url("enrolment-detail", org, enrolment_id=row["id"]))
                    assert list(row.items()) == list(one.json().items())


def test_enrolment_list_queries_do_not_grow_with_rows(org, api_client):
    client = api_client(org, Role.COORDINATOR)

    def measure(count):
        cohort = CohortFactory(organisation=org, capacity=100)
        for _ in range(count):
            EnrolmentFactory(organisation=org, cohort=cohort)
        queries, response = _queries(client, _url("cohort-enrolments", org, cohort_id=cohort.pk))
        assert response.json()["count"] == count
        return queries

    # Token, membership, the cohort, the page count, one page of enrolments with participants.
    assert measure(5) == measure(50)


def test_enrolling_many_at_once_says_what_happened_to_each(org, api_client):
    client = api_client(org, Role.COORDINATOR)
    cohort = CohortFactory(organisation=org, capacity=1)
    first, second = _consenting_participant(org), _consenting_participant(org)
    no_consent = ParticipantFactory(organisation=org, display_name="Lina")
    already = EnrolmentFactory(organisation=org, cohort=cohort, stage="applied").participant

    response = client.post(
        _url("cohort-enrolments", org, cohort_id=cohort.pk),
        {"participants": [first.pk, second.pk, no_consent.pk, already.pk, first.pk]},
    )

    assert response.status_code == 201
    results = response.json()["results"]
    assert [(r["participant"], r["outcome"]) for r in results] == [
        (first.pk, "enrolled"),
        (second.pk, "waitlisted"),
        (no_consent.pk, "applied"),
        (already.pk, "refused"),
    ]
    assert all(set(r) == ENROL_RESULT_FIELDS for r in results)
    assert results[0]["reason"] is None
    assert "consent" in results[2]["reason"] and "Lina" in results[2]["reason"]
    assert "already" in results[3]["reason"]
    assert set(results[0]["enrolment"]) == ENROLMENT_FIELDS
    assert results[3]["enrolment"]["stage"] == "applied"
    assert _enrolments(org, cohort) == {
        first.pk: "enrolled",
        second.pk: "waitlisted",
        no_consent.pk: "applied",
        already.pk: "applied",
    }
    assert "api.api-cohort-enrolments" in _audit_actions(org)


def test_enrolling_only_people_already_in_the_cohort_answers_200(org, api_client):
    enrolment = EnrolmentFactory(organisation=org)
    response = api_client(org, Role.COORDINATOR).post(
        _url("cohort-enrolments", org, cohort_id=enrolment.cohort_id),
        {"participants": [enrolment.participant_id]},
    )
    assert response.status_code == 200
    assert response.json()["results"][0]["outcome"] == "refused"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"participants": []}, "participants"),
        ({"participants": ["foreign"]}, "participants"),  # another organisation's person
        ({"participants": ["x"]}, "participants.0"),
        ({"participants": "mine", "joined_on": "0001-01-01"}, "joined_on"),
        ({}, "participants"),
    ],
)
def test_a_bad_enrolment_request_is_refused_and_enrols_nobody(
    org, other_org, api_client, body, field
):
    cohort = CohortFactory(organisation=org)
    ids = {
        "foreign": _consenting_participant(other_org).pk,
        "mine": [_consenting_participant(org).pk],
    }
    if "participants" in body:
        value = body["participants"]
        body["participants"] = ids[value] if value == "mine" else [ids.get(v, v) for v in value]

    response = api_client(org, Role.COORDINATOR).post(
        _url("cohort-enrolments", org, cohort_id=cohort.pk), body, format="json"
    )

    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert _enrolments(org, cohort) == {}


def test_enrolment_query_count_is_the_same_for_5_and_50_people(org, api_client):
    client = api_client(org, Role.COORDINATOR)
    client.get(_url("cohort-list", org))  # the token's first use is noted once

    def measure(count):
        cohort = CohortFactory(organisation=org, capacity=count)
        ids = [_consenting_participant(org).pk for _ in range(count + 2)]
        url = _url("cohort-enrolments", org, cohort_id=cohort.pk)
        queries, response = count_queries(lambda: client.post(url, {"participants": ids}))
        assert response.status_code == 201
        outcomes = [r["outcome"] for r in response.json()["results"]]
        assert outcomes.count("waitlisted") == 2
        return queries

    assert measure(5) == measure(50)


def test_trainers_cannot_enrol(org, api_client):
    cohort = CohortFactory(organisation=org)
    trainer = _trainer_of(org, api_client, cohort)
    participant = _consenting_participant(org)
    response = trainer.post(
        _url("cohort-enrolments", org, cohort_id=cohort.pk), {"participants": [participant.pk]}
    )
    assert response.status_code == 403
    assert _enrolments(org, cohort) == {}


def test_a_read_only_token_cannot_enrol(org, api_client):
    cohort = CohortFactory(organisation=org)
    participant = _consenting_participant(org)
    response = api_client(org, Role.COORDINATOR, read_only=True).post(
        _url("cohort-enrolments", org, cohort_id=cohort.pk), {"participants": [participant.pk]}
    )
    assert response.status_code == 403
    assert response.json()["code"] == "token_read_only"
    assert _enrolments(org, cohort) == {}


def test_an_enrolment_moves_to_another_stage(org, api_client):
    enrolment = EnrolmentFactory(organisation=org, stage="waitlisted")
    ConsentFactory(organisation=org, participant=enrolment.participant)
    client = api_client(org, Role.COORDINATOR)
    url = _url("enrolment-detail", org, enrolment_id=enrolment.pk)

    response = client.patch(url, {"stage": "enrolled"})

    assert response.status_code == 200
    assert set(response.json()) == ENROLMENT_FIELDS
    assert response.json()["stage"] == "enrolled"
    assert client.get(url).json()["stage"] == "enrolled"
    actions = _audit_actions(org)
    assert "api.api-enrolment-detail" in actions and "enrolment.stage_changed" in actions


@pytest.mark.parametrize(
    ("setup", "stage", "status", "code"),
    [
        ("full", "enrolled", 409, "cap"),
        ("no_consent", "enrolled", 409, "conflict"),
        ("full", "graduated", 400, "invalid"),
    ],
)
def test_a_stage_change_that_cannot_be_is_refused(org, api_client, setup, stage, status, code):
    cohort = CohortFactory(organisation=org, capacity=1)
    EnrolmentFactory(organisation=org, cohort=cohort, stage="active")
    enrolment = EnrolmentFactory(organisation=org, cohort=cohort, stage="waitlisted")
    if setup == "no_consent":
        with org_context(org.pk):
            Cohort.objects.for_org(org).filter(pk=cohort.pk).update(capacity=5)
    else:
        ConsentFactory(organisation=org, participant=enrolment.participant)

    response = api_client(org, Role.COORDINATOR).patch(
        _url("enrolment-detail", org, enrolment_id=enrolment.pk), {"stage": stage}
    )

    assert response.status_code == status
    assert response.json()["code"] == code
    assert "stage" in response.json()["errors"]
    with org_context(org.pk):
        enrolment.refresh_from_db()
    assert enrolment.stage == "waitlisted"


def test_a_trainer_reads_enrolments_of_their_cohort_only_and_changes_none(org, api_client):
    mine = EnrolmentFactory(organisation=org, stage="active")
    theirs = EnrolmentFactory(organisation=org, stage="active")
    trainer = _trainer_of(org, api_client, mine.cohort)

    own = trainer.get(_url("enrolment-detail", org, enrolment_id=mine.pk))
    assert own.status_code == 200
    assert set(own.json()) == ENROLMENT_FIELDS
    assert trainer.get(_url("enrolment-detail", org, enrolment_id=theirs.pk)).status_code == 404
    refused = trainer.patch(
        _url("enrolment-detail", org, enrolment_id=mine.pk), {"stage": "withdrawn"}
    )
    assert refused.status_code == 403
    with org_context(org.pk):
        mine.refresh_from_db()
    assert mine.stage == "active"


def test_another_organisations_enrolment_is_not_found(org, other_org, api_client):
    theirs = EnrolmentFactory(organisation=other_org, stage="active")
    client = api_client(org, Role.ADMIN)
    url = _url("enrolment-detail", org, enrolment_id=theirs.pk)
    assert client.get(url).status_code == 404
    assert client.patch(url, {"stage": "withdrawn"}).status_code == 404
    with org_context(other_org.pk):
        theirs.refresh_from_db()
    assert theirs.stage == "active"
