"""Consent rules and enrolment: age of digital consent, capacity and the waiting list."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from cocora.core.errors import ApplicationError
from cocora.organisations.context import org_context
from cocora.organisations.models import Role
from cocora.testing.queries import count_queries, tenant_settings_queries
from programmes.models import Enrolment, EnrolmentStage
from programmes.services.cohorts import enrolment_change_stage, enrolments_create
from programmes.services.consent import consent_record, participation_consent_missing
from programmes.tests.factories import (
    CohortFactory,
    ConsentFactory,
    EnrolmentFactory,
    ParticipantFactory,
)

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 22)


@pytest.fixture(autouse=True)
def _on_a_known_day():
    # Ages and consent dates are computed against TODAY, and the factories date consents
    # "today": both must be the same day, whatever day the suite runs on (regression: every run
    # after 22 November 2026 saw the factories' consents as given in the future).
    with time_machine.travel(datetime(2026, 11, 22, 10, 0, tzinfo=UTC), tick=False):
        yield


def _consented(org, **kwargs):
    participant = ParticipantFactory(organisation=org, birth_year=2000, **kwargs)
    ConsentFactory(organisation=org, participant=participant, given_by="self")
    return participant


@pytest.mark.parametrize(
    ("birth_year", "givers", "missing_count"),
    [
        (2000, [], 1),  # adult without consent: their own consent is missing
        (2000, ["self"], 0),
        (2012, ["self"], 1),  # 14: the guardian's consent is missing
        (2012, ["guardian"], 1),  # the young person's own assent is missing
        (2012, ["guardian", "self"], 0),
        (None, ["self"], 1),  # unknown age counts as below the age of consent
    ],
)
def test_participation_consent_follows_the_age_of_digital_consent(
    org, birth_year, givers, missing_count
):
    participant = ParticipantFactory(organisation=org, birth_year=birth_year)
    consents = [
        ConsentFactory(organisation=org, participant=participant, given_by=giver)
        for giver in givers
    ]
    missing = participation_consent_missing(participant, consents, organisation=org, today=TODAY)
    assert len(missing) == missing_count


def test_the_age_of_consent_is_set_per_organisation(org):
    # Born 2011: certainly 14 by the end of 2025, maybe still 14 in 2026 before the birthday.
    participant = ParticipantFactory(organisation=org, birth_year=2011)
    own = [ConsentFactory(organisation=org, participant=participant, given_by="self")]
    org.digital_consent_age = 16
    assert participation_consent_missing(participant, own, organisation=org, today=TODAY)
    org.digital_consent_age = 13
    assert not participation_consent_missing(participant, own, organisation=org, today=TODAY)


def test_withdrawn_and_expired_consents_do_not_count(org):
    participant = ParticipantFactory(organisation=org, birth_year=2000)
    withdrawn = ConsentFactory(
        organisation=org, participant=participant, withdrawn_at=timezone.now()
    )
    expired = ConsentFactory(
        organisation=org,
        participant=participant,
        given_on=TODAY - timedelta(days=400),
        expires_on=TODAY - timedelta(days=1),
    )
    assert participation_consent_missing(
        participant, [withdrawn, expired], organisation=org, today=TODAY
    )


def test_consent_in_the_future_or_expiring_before_it_is_given_is_refused(org):
    participant = ParticipantFactory(organisation=org)
    with org_context(org.pk):
        with pytest.raises(ApplicationError, match="future"):
            consent_record(
                organisation=org,
                participant=participant,
                scope="participation",
                given_by="self",
                given_on=timezone.localdate() + timedelta(days=3),
            )
        with pytest.raises(ApplicationError, match="expires before"):
            consent_record(
                organisation=org,
                participant=participant,
                scope="participation",
                given_by="self",
                given_on=timezone.localdate(),
                expires_on=timezone.localdate() - timedelta(days=3),
            )


def test_enrolling_without_consent_is_refused_with_what_is_missing(org):
    cohort = CohortFactory(organisation=org)
    minor = ParticipantFactory(organisation=org, birth_year=2013, display_name="Mia")
    enrolment = EnrolmentFactory(
        organisation=org, cohort=cohort, participant=minor, stage="applied"
    )
    with org_context(org.pk), pytest.raises(ApplicationError) as error:
        enrolment_change_stage(organisation=org, enrolment=enrolment, stage="active")
    assert "guardian" in str(error.value.message)
    assert "own agreement" in str(error.value.message)
    with org_context(org.pk):
        assert Enrolment.objects.get(pk=enrolment.pk).stage == "applied"


def test_over_capacity_goes_to_the_waiting_list(org):
    cohort = CohortFactory(organisation=org, capacity=2)
    people = [_consented(org) for _ in range(3)]
    with org_context(org.pk):
        result = enrolments_create(
            organisation=org, cohort=cohort, participant_ids=[p.pk for p in people]
        )
        stages = dict(Enrolment.objects.for_org(org).values_list("participant_id", "stage"))
    assert [p.pk for p in result.enrolled] == [people[0].pk, people[1].pk]
    assert [p.pk for p in result.waitlisted] == [people[2].pk]
    assert stages[people[2].pk] == EnrolmentStage.WAITLISTED


def test_moving_from_the_waiting_list_into_a_full_cohort_says_what_to_do(org):
    cohort = CohortFactory(organisation=org, capacity=1)
    EnrolmentFactory(organisation=org, cohort=cohort, participant=_consented(org))
    waiting = EnrolmentFactory(
        organisation=org, cohort=cohort, participant=_consented(org), stage="waitlisted"
    )
    with org_context(org.pk), pytest.raises(ApplicationError, match="is full"):
        enrolment_change_stage(organisation=org, enrolment=waiting, stage="enrolled")


def test_bulk_enrolment_query_count_is_the_same_for_5_and_50(org):
    def enrol(n):
        cohort = CohortFactory(organisation=org, capacity=100)
        ids = [_consented(org).pk for _ in range(n)]
        with org_context(org.pk):
            count, result = count_queries(
                lambda: enrolments_create(organisation=org, cohort=cohort, participant_ids=ids)
            )
        assert len(result.enrolled) == n
        return count

    # lock cohort, participants, their consents, existing enrolments, places taken,
    # one bulk insert, one audit line = 7, whatever the number of people.
    assert enrol(5) == enrol(50) == 7


def test_enrol_page_adds_all_shown_and_reports_missing_consent(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    cohort = CohortFactory(organisation=org, capacity=10)
    _consented(org, display_name="Ready")
    ParticipantFactory(organisation=org, display_name="NoConsent", birth_year=2000)

    page = client.get(reverse("cohort_enrol", args=[org.slug, cohort.pk]))
    assert b"Ready" in page.content and b"NoConsent" in page.content
    shown = [r.participant.pk for r in page.context["rows"]]
    response = client.post(
        reverse("cohort_enrol", args=[org.slug, cohort.pk]),
        {"all": "1", "shown": shown},
        follow=True,
    )

    assert response.status_code == 200
    assert b"NoConsent was added as applied" in response.content
    with org_context(org.pk):
        stages = dict(
            Enrolment.objects.for_org(org).values_list("participant__display_name", "stage")
        )
    assert stages == {"Ready": "enrolled", "NoConsent": "applied"}


@pytest.mark.parametrize("role", [Role.TRAINER, Role.AMBASSADOR, Role.PARTNER])
def test_only_coordinators_and_admins_enrol(org, member_client, role):
    client = member_client(org, role)
    cohort = CohortFactory(organisation=org)
    participant = _consented(org)
    response = client.post(
        reverse("cohort_enrol", args=[org.slug, cohort.pk]), {"participant": [participant.pk]}
    )
    assert response.status_code in (403, 404)
    with org_context(org.pk):
        assert not Enrolment.objects.for_org(org).exists()


def test_participant_list_query_count_is_the_same_for_5_and_50(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    url = reverse("participant_list", args=[org.slug])

    def load(total):
        for _ in range(total - len(client.get(url).context["rows"])):
            EnrolmentFactory(organisation=org, participant=_consented(org))
        count, response = count_queries(lambda: client.get(url))
        assert len(response.context["rows"]) == total
        return count

    # session, user, the member's memberships with their organisations (the switcher too), the
    # count, a page of participants, their consents, their enrolments with cohorts, the cohort
    # filter's options = 8 (+2 tenant settings).
    expected = 8 + 2 * tenant_settings_queries()
    assert load(5) == expected
    assert load(50) == expected


def test_the_participant_list_pages_by_a_hundred_and_keeps_its_filters(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    url = reverse("participant_list", args=[org.slug])
    for number in range(130):
        ParticipantFactory(organisation=org, display_name=f"Person {number:03d}")
    ParticipantFactory(organisation=org, display_name="Other")

    first = client.get(url, {"q": "Person"})
    second = client.get(url, {"q": "Person", "page": 2})

    assert len(first.context["rows"]) == 100 and len(second.context["rows"]) == 30
    assert first.context["rows"][0].participant.display_name == "Person 000"
    assert second.context["rows"][-1].participant.display_name == "Person 129"
    assert "Page 1 of 2 · 130 in all" in first.content.decode()
    assert 'href="?q=Person&amp;page=2"' in first.content.decode()
    missing = client.get(url, {"q": "Person", "consent": "missing", "page": 2})
    assert len(missing.context["rows"]) == 30


@pytest.mark.parametrize("cohort", ["²", "٣", "x", "-1"])
def test_a_cohort_filter_that_names_no_cohort_lists_everyone(org, member_client, cohort):
    # A digit to Python that is no id ("²") answered a server error.
    client = member_client(org, Role.COORDINATOR)
    ParticipantFactory(organisation=org, display_name="Ada")
    response = client.get(reverse("participant_list", args=[org.slug]), {"cohort": cohort})
    assert response.status_code == 200
    assert [row.participant.display_name for row in response.context["rows"]] == ["Ada"]


@pytest.mark.parametrize("role", [Role.TRAINER, Role.AMBASSADOR, Role.PARTNER])
def test_participant_data_is_not_for_trainers_ambassadors_or_partners(org, member_client, role):
    client = member_client(org, role)
    participant = ParticipantFactory(organisation=org)
    assert client.get(reverse("participant_list", args=[org.slug])).status_code == 403
    assert (
        client.get(reverse("participant_detail", args=[org.slug, participant.pk])).status_code
        == 403
    )


def test_the_participant_form_has_no_field_for_religion_ethnicity_or_risk(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    page = client.get(reverse("participant_create", args=[org.slug])).content.decode().lower()
    for word in ("religion", "ethnic", "risk"):
        assert f'name="{word}' not in page


def test_a_coordinator_adds_a_participant_who_gets_a_pseudonymous_code(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    response = client.post(
        reverse("participant_create", args=[org.slug]),
        {"display_name": "Sam", "birth_year": "2009", "preferred_language": "da"},
    )
    assert response.status_code == 302
    with org_context(org.pk):
        from programmes.models import Participant

        sam = Participant.objects.for_org(org).get(display_name="Sam")
    assert sam.code.startswith("P-") and len(sam.code) == 8


def test_an_implausible_year_of_birth_is_a_form_error(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    response = client.post(
        reverse("participant_create", args=[org.slug]),
        {"display_name": "Sam", "birth_year": "1850"},
    )
    assert response.status_code == 400
    assert (
        b"does not look right" in response.content or b"greater than or equal" in response.content
    )


def test_a_young_persons_own_withdrawal_outweighs_the_guardians_consent(org, member_client):
    """Regression: with a guardian's consent still in force, a minor's own withdrawal left them
    active, on attendance lists and in exports."""
    client = member_client(org, Role.COORDINATOR)
    minor = ParticipantFactory(organisation=org, birth_year=2013, display_name="Mina")
    ConsentFactory(organisation=org, participant=minor, given_by="guardian")
    own = ConsentFactory(organisation=org, participant=minor, given_by="self")
    enrolment = EnrolmentFactory(organisation=org, participant=minor, stage="active")

    client.post(reverse("consent_withdraw", args=[org.slug, own.pk]))

    with org_context(org.pk):
        assert Enrolment.objects.get(pk=enrolment.pk).stage == "withdrawn"
    export = client.get(
        reverse(
            "cohort_export",
            kwargs={"org_slug": org.slug, "cohort_id": enrolment.cohort_id, "fmt": "csv"},
        )
    )
    assert b"Mina" not in export.content


def test_an_erased_record_cannot_be_filled_in_again(org, member_client):
    admin = member_client(org, Role.ADMIN)
    participant = ParticipantFactory(organisation=org, display_name="Kim")
    admin.post(
        reverse("participant_erase", args=[org.slug, participant.pk]),
        {"confirm_code": participant.code},
    )
    response = admin.post(
        reverse("participant_edit", args=[org.slug, participant.pk]), {"display_name": "Kim"}
    )
    assert response.status_code == 400
    assert b"erased on request" in response.content


def test_the_home_pages_consent_gaps_are_everyone_holding_a_place_who_lacks_it(org, other_org):
    """The coordinator's card lists exactly those holding a place whose consent to take part
    is incomplete, with what is missing, by the same rules as a person's own page."""
    from programmes.selectors.dashboard import consent_gaps

    cohort = CohortFactory(organisation=org)

    def holding(name, birth_year, *givers, stage="active", **consent):
        person = ParticipantFactory(organisation=org, display_name=name, birth_year=birth_year)
        for giver in givers:
            ConsentFactory(organisation=org, participant=person, given_by=giver, **consent)
        EnrolmentFactory(organisation=org, cohort=cohort, participant=person, stage=stage)
        return person

    holding("Adult, consented", 2000, "self")
    holding("Minor, both", 2014, "self", "guardian")
    minor = holding("Minor, own only", 2014, "self")
    unknown = holding("Age unknown, own only", None, "self")
    withdrawn = holding("Withdrawn", 2000, "self", withdrawn_at=timezone.now())
    expired = holding(
        "Expired",
        2000,
        "self",
        given_on=TODAY - timedelta(days=400),
        expires_on=TODAY - timedelta(days=1),
    )
    future = holding("Given tomorrow", 2000, "self", given_on=TODAY + timedelta(days=1))
    holding("Waiting, none", 2000, stage=EnrolmentStage.WAITLISTED)
    holding("Withdrew from the cohort, none", 2000, stage=EnrolmentStage.WITHDRAWN)
    elsewhere = ParticipantFactory(organisation=other_org, birth_year=2000)
    EnrolmentFactory(organisation=other_org, participant=elsewhere)

    with org_context(org.pk):
        rows = consent_gaps(organisation=org, today=TODAY)
    gaps = {row.participant.pk: row.missing for row in rows}
    # By name, as the card lists them, with their code; their contact details left unread.
    assert [(row.participant.display_name, row.participant.code) for row in rows] == [
        (person.display_name, person.code)
        for person in (unknown, expired, future, minor, withdrawn)
    ]
    assert all({"email", "phone"} <= row.participant.get_deferred_fields() for row in rows)

    guardian = "a parent's or guardian's consent"
    assert gaps == {
        minor.pk: [guardian],
        unknown.pk: [guardian],
        withdrawn.pk: ["the young person's consent"],
        expired.pk: ["the young person's consent"],
        future.pk: ["the young person's consent"],
    }
