"""The participants API: the page's rules (permissions, filters, consent by age, withdrawal,
erasure), the fields each role sees, the audited read, isolation and constant query counts."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from cocora.audit.models import AuditEvent
from cocora.core.dates import organisation_today
from cocora.organisations.context import org_context
from cocora.organisations.models import Role
from cocora.organisations.permissions import roles_for
from cocora.privacy.services import subject_erase
from cocora.testing.queries import count_queries
from programmes.api.participants import CONTACT_FIELDS, PARTICIPANT_FIELDS_BY_ROLE
from programmes.models import Consent, Enrolment, Participant
from programmes.tests.factories import (
    CohortFactory,
    ConsentFactory,
    EnrolmentFactory,
    ParticipantFactory,
)

pytestmark = pytest.mark.django_db

STAFF = [Role.ADMIN, Role.COORDINATOR]
NOT_STAFF = [Role.TRAINER, Role.AMBASSADOR, Role.PARTNER]

# The policy, written out: what the participant list shows a role...
LISTED = {
    "id", "code", "display_name", "birth_year", "preferred_language", "created_at", "updated_at",
    "consent_complete", "consent_missing", "can_be_contacted", "enrolments",
}  # fmt: skip
# ...and one record, with the contact and guardian details the edit page shows staff.
RECORD = LISTED | {"email", "phone", "guardian_name", "guardian_email", "guardian_phone"}
ENROLMENT = {"id", "cohort", "cohort_name", "stage", "joined_on"}
CONSENT = {
    "id", "participant", "scope", "given_by", "given_on", "expires_on", "withdrawn_at",
    "recorded_at", "in_force",
}  # fmt: skip


def _url(org: Any, *parts: Any) -> str:
    return f"/api/v1/o/{org.slug}/" + "".join(f"{part}/" for part in parts)


def _events(org: Any, action: str) -> list[AuditEvent]:
    with org_context(org.pk):
        return list(AuditEvent.objects.for_org(org).filter(action=action).order_by("pk"))


def _participants(org: Any) -> list[Participant]:
    with org_context(org.pk):
        return list(Participant.objects.for_org(org).order_by("pk"))


def _consents(org: Any) -> list[dict[str, Any]]:
    with org_context(org.pk):
        return list(Consent.objects.for_org(org).order_by("pk").values())


def _minor_birth_year() -> int:
    return timezone.localdate().year - 12


# -- the field policy --------------------------------------------------------------------------


def test_the_field_policy_covers_exactly_the_roles_the_pages_show_participants_to():
    # Regression guard: a role given participants.view must get an explicit line in the map,
    # and contact details go to exactly those who may open the edit form.
    assert set(PARTICIPANT_FIELDS_BY_ROLE) == set(roles_for("participants.view"))
    with_contact = {
        r for r, fields in PARTICIPANT_FIELDS_BY_ROLE.items() if fields & CONTACT_FIELDS
    }
    assert with_contact == set(roles_for("participants.manage"))


@pytest.mark.parametrize("role", STAFF)
def test_each_staff_role_sees_the_policys_fields_list_without_contact(org, api_client, role):
    client = api_client(org, role)
    participant = ParticipantFactory(
        organisation=org, email="kim@example.org", guardian_name="Ana", guardian_phone="+45 1"
    )
    EnrolmentFactory(organisation=org, participant=participant)

    listed = client.get(_url(org, "participants")).json()["results"]
    record = client.get(_url(org, "participants", participant.pk)).json()

    assert set(listed[0]) == LISTED
    assert set(listed[0]["enrolments"][0]) == ENROLMENT
    assert set(record) == RECORD
    assert record["email"] == "kim@example.org" and record["guardian_name"] == "Ana"


@pytest.mark.parametrize("role", NOT_STAFF)
def test_roles_without_participants_view_are_refused_everywhere(org, api_client, role):
    client = api_client(org, role)
    consent = ConsentFactory(organisation=org)
    participant = consent.participant
    before = _consents(org)

    answers = [
        client.get(_url(org, "participants")),
        client.get(_url(org, "participants", participant.pk)),
        client.post(_url(org, "participants"), {"display_name": "X"}),
        client.patch(_url(org, "participants", participant.pk), {"display_name": "X"}),
        client.get(_url(org, "participants", participant.pk, "consents")),
        client.post(
            _url(org, "participants", participant.pk, "consents"),
            {"scope": "photos", "given_by": "self", "given_on": str(timezone.localdate())},
        ),
        client.get(_url(org, "consents", consent.pk)),
        client.post(_url(org, "consents", consent.pk, "withdraw")),
    ]

    assert [a.status_code for a in answers] == [403] * len(answers)
    assert {a.json()["code"] for a in answers} == {"permission_denied"}
    assert len(_participants(org)) == 1 and _consents(org) == before
    assert _events(org, "participant.viewed") == []


# -- list --------------------------------------------------------------------------------------


def test_the_list_filters_like_the_page(org, api_client):
    client = api_client(org, Role.COORDINATOR)
    cohort = CohortFactory(organisation=org)
    kim = ParticipantFactory(organisation=org, display_name="Kim")
    ParticipantFactory(organisation=org, display_name="Noor")
    waiting = ParticipantFactory(organisation=org, display_name="Ola")
    EnrolmentFactory(organisation=org, participant=kim, cohort=cohort, stage="active")
    EnrolmentFactory(organisation=org, participant=waiting, cohort=cohort, stage="waitlisted")
    ConsentFactory(organisation=org, participant=kim, given_by="self")  # an adult: complete

    def names(**params: Any) -> list[str]:
        response = client.get(_url(org, "participants"), params)
        assert response.status_code == 200, response.json()
        return [row["display_name"] for row in response.json()["results"]]

    assert names() == ["Kim", "Noor", "Ola"]
    assert names(search="no") == ["Noor"]
    assert names(search=kim.code.lower()) == ["Kim"]
    assert names(cohort=cohort.pk) == ["Kim", "Ola"]
    assert names(cohort=cohort.pk, stage="waitlisted") == ["Ola"]
    assert names(consent="complete") == ["Kim"]
    assert names(consent="missing") == ["Noor", "Ola"]
    assert names(cohort="", stage="", consent="", search="") == ["Kim", "Noor", "Ola"]
    [row] = client.get(_url(org, "participants"), {"search": "Kim"}).json()["results"]
    assert row["consent_complete"] is True and row["consent_missing"] == []
    assert [(e["cohort"], e["stage"]) for e in row["enrolments"]] == [(cohort.pk, "active")]


def test_a_foreign_cohort_filter_finds_nobody_and_bad_filters_are_400(org, other_org, api_client):
    client = api_client(org, Role.ADMIN)
    ParticipantFactory(organisation=org)
    theirs = EnrolmentFactory(organisation=other_org)

    response = client.get(_url(org, "participants"), {"cohort": theirs.cohort_id})
    assert response.status_code == 200 and response.json()["count"] == 0
    for params, field in (
        ({"cohort": "abc"}, "cohort"),
        ({"cohort": str(2**70)}, "cohort"),
        ({"stage": "graduated"}, "stage"),
        ({"consent": "maybe"}, "consent"),
        ({"search": "x" * 101}, "search"),
    ):
        response = client.get(_url(org, "participants"), params)
        assert response.status_code == 400
        assert field in response.json()["errors"]


@pytest.mark.parametrize("params", [{}, {"consent": "missing"}])
def test_the_list_takes_the_same_queries_for_5_and_50_participants(org, api_client, params):
    client = api_client(org, Role.COORDINATOR)
    url = _url(org, "participants")
    client.get(url)  # the token's first use of the minute is written once

    def measure(more: int) -> tuple[int, int]:
        for participant in ParticipantFactory.create_batch(more, organisation=org):
            EnrolmentFactory(organisation=org, participant=participant)
            ConsentFactory(organisation=org, participant=participant, scope="contact")
        queries, response = count_queries(lambda: client.get(url, {**params, "page_size": 200}))
        assert response.status_code == 200
        return queries, response.json()["count"]

    few, five = measure(5)
    many, fifty = measure(45)
    assert (five, fifty) == (5, 50)
    # Token and membership lookups, the page's count (without a consent filter), the
    # participants, their consents and their enrolments with cohorts: never per row.
    assert few == many


@pytest.mark.parametrize("role", STAFF)
def test_each_listed_person_is_their_record_narrowed_to_the_lists_fields(org, api_client, role):
    # Regression guard: the list writes its rows in one pass over plain values
    # (participant_summaries), the record through ParticipantSerializer, the schema's
    # description. A field the two write differently (a time's zone, the consent state, the
    # order of the enrolments or of the keys) shows here, on each of the list's paths.
    # Half past midnight in Copenhagen: the organisation's day is not UTC's.
    with time_machine.travel(datetime(2026, 11, 22, 23, 30, tzinfo=UTC), tick=False):
        client = api_client(org, role)
        today = organisation_today(org)
        spring, autumn = CohortFactory.create_batch(2, organisation=org)
        adult = ParticipantFactory(organisation=org, birth_year=2000, email="ana@example.org")
        ConsentFactory(organisation=org, participant=adult, given_on=today)
        ConsentFactory(organisation=org, participant=adult, scope="contact", given_on=today)
        EnrolmentFactory(organisation=org, participant=adult, cohort=autumn, stage="completed")
        EnrolmentFactory(organisation=org, participant=adult, cohort=spring)
        minor = ParticipantFactory(
            organisation=org, birth_year=_minor_birth_year(), preferred_language="da"
        )
        ConsentFactory(organisation=org, participant=minor, given_by="guardian", given_on=today)
        EnrolmentFactory(organisation=org, participant=minor, cohort=spring, stage="waitlisted")
        ParticipantFactory(organisation=org, birth_year=None)  # nothing at all
        withdrawn = ParticipantFactory(organisation=org)
        ConsentFactory(organisation=org, participant=withdrawn, withdrawn_at=timezone.now())
        ConsentFactory(
            organisation=org,
            participant=withdrawn,
            scope="contact",
            given_on=today - timedelta(days=30),
            expires_on=today - timedelta(days=1),
        )
        later = ParticipantFactory(organisation=org)
        ConsentFactory(organisation=org, participant=later, given_on=today + timedelta(days=1))
        erased = ParticipantFactory(organisation=org, guardian_name="Ana")
        ConsentFactory(organisation=org, participant=erased, given_on=today)
        with org_context(org.pk):
            subject_erase(organisation=org, subject=erased, actor=client.membership.user)

        def listed(**params: Any) -> list[dict[str, Any]]:
            response = client.get(_url(org, "participants"), {**params, "page_size": 200})
            assert response.status_code == 200, response.json()
            return response.json()["results"]

        everyone = listed()
        paths = [
            everyone,
            listed(consent="complete"),
            listed(consent="missing"),
            listed(cohort=spring.pk, search="young"),
            listed(changed_since="2026-01-01T00:00:00Z"),
        ]
        for rows in paths:
            for row in rows:
                record = client.get(_url(org, "participants", row["id"])).json()
                assert list(row) == [name for name in record if name in LISTED]
                assert row == {name: record[name] for name in row}

    # Every kind of row was compared: complete and missing, with and without enrolments.
    assert [len(rows) for rows in paths] == [6, 1, 5, 2, 6]
    assert {len(row["consent_missing"]) for row in everyone} == {0, 1, 2}
    assert {len(row["enrolments"]) for row in everyone} == {0, 1, 2}
    assert [row["can_be_contacted"] for row in paths[1]] == [True]


# -- one record --------------------------------------------------------------------------------


def test_reading_a_participant_is_recorded_like_the_page(org, api_client):
    client = api_client(org, Role.COORDINATOR)
    participant = ParticipantFactory(organisation=org, birth_year=_minor_birth_year())
    ConsentFactory(organisation=org, participant=participant, given_by="guardian")

    response = client.get(_url(org, "participants", participant.pk))

    assert response.status_code == 200
    body = response.json()
    assert body["code"] == participant.code and body["consent_complete"] is False
    assert body["consent_missing"] == ["the young person's own agreement"]
    [event] = _events(org, "participant.viewed")
    assert event.actor == client.membership.user and event.target_id == str(participant.pk)
    # A read leaves no write line.
    assert _events(org, "api.api-participant-detail") == []


def test_another_organisations_participant_is_not_found_and_not_changed(org, other_org, api_client):
    client = api_client(org, Role.ADMIN)
    theirs = ParticipantFactory(organisation=other_org, display_name="Theirs")

    assert client.get(_url(org, "participants", theirs.pk)).status_code == 404
    response = client.patch(_url(org, "participants", theirs.pk), {"display_name": "Mine"})
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert [p.display_name for p in _participants(other_org)] == ["Theirs"]
    assert (
        _events(org, "participant.viewed") == [] and _events(other_org, "participant.viewed") == []
    )


# -- create and change -------------------------------------------------------------------------


def test_staff_add_a_participant_with_a_generated_code(org, api_client):
    client = api_client(org, Role.COORDINATOR)
    body = {
        "display_name": "  Sami ",
        "birth_year": _minor_birth_year(),
        "preferred_language": "da",
        "guardian_name": "Leila",
        "guardian_email": "leila@example.org",
    }

    response = client.post(_url(org, "participants"), body)

    assert response.status_code == 201, response.json()
    created = response.json()
    assert set(created) == RECORD
    assert created["display_name"] == "Sami" and created["code"].startswith("P-")
    assert created["guardian_email"] == "leila@example.org" and created["email"] == ""
    assert created["consent_missing"] == [
        "a parent's or guardian's consent",
        "the young person's own agreement",
    ]
    [participant] = _participants(org)
    assert participant.code == created["code"] and participant.guardian_name == "Leila"
    assert len(_events(org, "participant.created")) == 1
    [line] = _events(org, "api.api-participant-list")
    assert line.actor == client.membership.user and line.details["method"] == "POST"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "display_name"),
        ({"display_name": "   "}, "display_name"),
        ({"display_name": "x" * 81}, "display_name"),
        ({"display_name": "Kim", "birth_year": timezone.localdate().year - 2}, "birth_year"),
        ({"display_name": "Kim", "birth_year": "nineteen"}, "birth_year"),
        ({"display_name": "Kim", "email": "not-an-address"}, "email"),
        ({"display_name": "Kim", "preferred_language": "tlh"}, "preferred_language"),
        ({"display_name": "Kim", "religion": "none"}, "religion"),
        ({"display_name": None}, "display_name"),
    ],
)
def test_bad_input_is_400_naming_the_field_and_adds_nobody(org, api_client, body, field):
    client = api_client(org, Role.ADMIN)
    response = client.post(_url(org, "participants"), body)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert _participants(org) == []
    assert _events(org, "api.api-participant-list") == []


def test_patch_changes_only_the_fields_sent(org, api_client):
    client = api_client(org, Role.ADMIN)
    participant = ParticipantFactory(organisation=org, display_name="Kim", phone="+45 1")
    url = _url(org, "participants", participant.pk)

    response = client.patch(url, {"email": "kim@example.org", "birth_year": None})

    assert response.status_code == 200, response.json()
    assert set(response.json()) == RECORD
    [after] = _participants(org)
    assert (after.display_name, after.phone, after.email, after.birth_year) == (
        "Kim", "+45 1", "kim@example.org", None,
    )  # fmt: skip
    [updated] = _events(org, "participant.updated")
    assert updated.details == {"fields": ["birth_year", "email"]}
    assert len(_events(org, "api.api-participant-detail")) == 1

    for body, field in (({}, "non_field_errors"), ({"code": "P-XXXXXX"}, "code")):
        response = client.patch(url, body)
        assert response.status_code == 400 and field in response.json()["errors"]
    assert _participants(org)[0].code == participant.code


def test_an_erased_participant_stays_listed_and_cannot_be_filled_in_again(org, api_client):
    client = api_client(org, Role.ADMIN)
    participant = ParticipantFactory(organisation=org, display_name="Kim", email="k@example.org")
    with org_context(org.pk):
        subject_erase(organisation=org, subject=participant, actor=client.membership.user)

    [row] = client.get(_url(org, "participants")).json()["results"]
    record = client.get(_url(org, "participants", participant.pk)).json()
    response = client.patch(_url(org, "participants", participant.pk), {"display_name": "Kim"})

    assert row["code"] == participant.code and row["display_name"] != "Kim"
    assert record["email"] == "" and record["birth_year"] is None
    assert response.status_code == 409 and response.json()["code"] == "gone"
    assert _participants(org)[0].display_name == row["display_name"]


# -- consents ----------------------------------------------------------------------------------


def test_below_the_age_of_consent_taking_part_needs_the_guardian_and_the_young_person(
    org, api_client
):
    client = api_client(org, Role.COORDINATOR)
    minor = ParticipantFactory(organisation=org, birth_year=_minor_birth_year())
    url = _url(org, "participants", minor.pk, "consents")
    today = str(timezone.localdate())

    own = client.post(url, {"scope": "participation", "given_by": "self", "given_on": today})
    assert own.status_code == 201, own.json()
    assert set(own.json()) == CONSENT
    assert own.json()["in_force"] is True and own.json()["participant"] == minor.pk
    record = client.get(_url(org, "participants", minor.pk)).json()
    assert record["consent_missing"] == ["a parent's or guardian's consent"]

    client.post(url, {"scope": "participation", "given_by": "guardian", "given_on": today})
    assert client.get(_url(org, "participants", minor.pk)).json()["consent_complete"] is True
    assert len(_events(org, "consent.recorded")) == 2
    assert len(_events(org, "api.api-participant-consent-list")) == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"scope": "everything", "given_by": "self", "given_on": "2025-01-01"}, "scope"),
        ({"scope": "photos", "given_by": "neighbour", "given_on": "2025-01-01"}, "given_by"),
        ({"scope": "photos", "given_by": "self"}, "given_on"),
        ({"scope": "photos", "given_by": "self", "given_on": "1999-12-31"}, "given_on"),
        ({"scope": "photos", "given_by": "self", "given_on": "tomorrow"}, "given_on"),
        ({"scope": "photos", "given_by": "self", "given_on": "FUTURE"}, "given_on"),
        (
            {"scope": "photos", "given_by": "self", "given_on": "2025-03-01",
             "expires_on": "2025-02-01"},
            "expires_on",
        ),
        ({"scope": "photos", "given_by": "self", "given_on": "2025-01-01", "by": 1}, "by"),
    ],
)  # fmt: skip
def test_a_bad_consent_is_400_naming_the_field_and_records_nothing(org, api_client, body, field):
    client = api_client(org, Role.ADMIN)
    participant = ParticipantFactory(organisation=org)
    if body.get("given_on") == "FUTURE":
        # Tomorrow where the organisation is: the server's UTC date can still be yesterday there
        # (regression: just after midnight in Copenhagen this "future" date was today).
        body = {**body, "given_on": str(organisation_today(org) + timedelta(days=1))}
    response = client.post(_url(org, "participants", participant.pk, "consents"), body)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert _consents(org) == []


def test_consents_of_another_organisations_participant_are_not_found(org, other_org, api_client):
    client = api_client(org, Role.ADMIN)
    theirs = ConsentFactory(organisation=other_org)
    before = _consents(other_org)
    url = _url(org, "participants", theirs.participant_id, "consents")

    answers = [
        client.get(url),
        # Even with a body that is wrong as well: the path is looked at first.
        client.post(url, {"scope": "photos", "given_by": "self", "given_on": "2025-01-01"}),
        client.post(url, {"nonsense": True}),
        client.get(_url(org, "consents", theirs.pk)),
        client.post(_url(org, "consents", theirs.pk, "withdraw")),
    ]

    assert [a.status_code for a in answers] == [404] * 5
    assert _consents(other_org) == before and _consents(org) == []


def test_a_participants_consents_are_listed_with_filters_and_the_same_queries(org, api_client):
    client = api_client(org, Role.COORDINATOR)
    participant = ParticipantFactory(organisation=org)
    ConsentFactory(organisation=org)  # someone else's
    url = _url(org, "participants", participant.pk, "consents")
    client.get(url)  # the token's first use of the minute is written once

    ConsentFactory.create_batch(5, organisation=org, participant=participant, scope="photos")
    few, response = count_queries(lambda: client.get(url))
    assert response.json()["count"] == 5
    ConsentFactory.create_batch(45, organisation=org, participant=participant, scope="contact")
    many, response = count_queries(lambda: client.get(url, {"page_size": 200}))
    assert response.json()["count"] == 50
    assert few == many  # the participant, the count and one page: never per row
    assert set(response.json()["results"][0]) == CONSENT

    assert client.get(url, {"scope": "photos"}).json()["count"] == 5
    assert client.get(url, {"given_by": "guardian"}).json()["count"] == 0
    assert client.get(url, {"scope": "dreams"}).status_code == 400


def test_changed_since_finds_consents_recorded_or_withdrawn_since(org, api_client):
    client = api_client(org, Role.ADMIN)
    participant = ParticipantFactory(organisation=org)
    old, withdrawn = ConsentFactory.create_batch(2, organisation=org, participant=participant)
    since = timezone.now() + timedelta(hours=1)
    with org_context(org.pk):
        Consent.objects.filter(pk__in=[old.pk, withdrawn.pk]).update(
            recorded_at=since - timedelta(days=3)
        )
        Consent.objects.filter(pk=withdrawn.pk).update(withdrawn_at=since + timedelta(minutes=1))
    new = ConsentFactory(organisation=org, participant=participant)
    with org_context(org.pk):
        Consent.objects.filter(pk=new.pk).update(recorded_at=since + timedelta(minutes=2))
    url = _url(org, "participants", participant.pk, "consents")

    response = client.get(url, {"changed_since": since.isoformat()})

    assert sorted(c["id"] for c in response.json()["results"]) == sorted([withdrawn.pk, new.pk])
    bad = client.get(url, {"changed_since": "yesterday"})
    assert bad.status_code == 400 and "changed_since" in bad.json()["errors"]


def test_withdrawing_takes_effect_at_once_and_a_second_withdrawal_is_a_conflict(org, api_client):
    client = api_client(org, Role.COORDINATOR)
    consent = ConsentFactory(organisation=org, scope="participation", given_by="self")
    enrolment = EnrolmentFactory(organisation=org, participant=consent.participant)
    url = _url(org, "consents", consent.pk, "withdraw")

    first = client.post(url)

    assert first.status_code == 200, first.json()
    assert first.json()["withdrawn_at"] is not None and first.json()["in_force"] is False
    with org_context(org.pk):
        # As on the page: without consent to take part, the place is withdrawn too.
        assert Enrolment.objects.for_org(org).get(pk=enrolment.pk).stage == "withdrawn"
    withdrawn_at = _consents(org)[0]["withdrawn_at"]

    second = client.post(url)

    assert second.status_code == 409 and second.json()["code"] == "conflict"
    assert _consents(org)[0]["withdrawn_at"] == withdrawn_at
    assert len(_events(org, "consent.withdrawn")) == 1
    assert len(_events(org, "api.api-consent-withdraw")) == 1
    detail = client.get(_url(org, "consents", consent.pk)).json()
    assert set(detail) == CONSENT and detail["withdrawn_at"] is not None


# -- tokens ------------------------------------------------------------------------------------


def test_a_read_only_token_reads_but_changes_nothing(org, api_client):
    client = api_client(org, Role.ADMIN, read_only=True)
    consent = ConsentFactory(organisation=org)
    participant = consent.participant
    today = str(timezone.localdate())

    assert client.get(_url(org, "participants", participant.pk)).status_code == 200
    answers = [
        client.post(_url(org, "participants"), {"display_name": "X"}),
        client.patch(_url(org, "participants", participant.pk), {"display_name": "X"}),
        client.post(
            _url(org, "participants", participant.pk, "consents"),
            {"scope": "photos", "given_by": "self", "given_on": today},
        ),
        client.post(_url(org, "consents", consent.pk, "withdraw")),
    ]

    assert [(a.status_code, a.json()["code"]) for a in answers] == [(403, "token_read_only")] * 4
    assert [p.display_name for p in _participants(org)] == [participant.display_name]
    assert _consents(org)[0]["withdrawn_at"] is None and len(_consents(org)) == 1
