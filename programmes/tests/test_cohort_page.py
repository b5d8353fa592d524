"""The compact cohort page, its bulk stage change (page, service and API), the attendance grid
on its own page, and the message to a cohort's trainers."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from cocora.audit.models import AuditEvent
from cocora.core.errors import ApplicationError
from cocora.notifications.models import Delivery
from cocora.notifications.services import deliveries_due_ids, delivery_send_batch
from cocora.notifications.tests.sink import SmtpSink
from cocora.organisations.context import org_context
from cocora.organisations.models import Role
from cocora.organisations.tests.factories import MembershipFactory
from cocora.testing.queries import count_queries
from programmes.models import Enrolment
from programmes.selectors.cohorts import cohort_overview
from programmes.services.cohorts import enrolments_stage_change
from programmes.tests.factories import (
    AttendanceFactory,
    CohortFactory,
    CohortTrainerFactory,
    ConsentFactory,
    EnrolmentFactory,
    ModuleFactory,
    ParticipantFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _on_a_known_day():
    # Consents are dated "today" by the factories and checked against today: one frozen day.
    with time_machine.travel(NOW, tick=False):
        yield


def _consented(org, cohort, stage, name="Sam"):
    participant = ParticipantFactory(organisation=org, birth_year=2000, display_name=name)
    ConsentFactory(organisation=org, participant=participant, given_by="self")
    return EnrolmentFactory(organisation=org, cohort=cohort, participant=participant, stage=stage)


def _stages(org, enrolments):
    with org_context(org.pk):
        return set(
            Enrolment.objects.for_org(org)
            .filter(pk__in=[e.pk for e in enrolments])
            .values_list("stage", flat=True)
        )


def _audit(org, action):
    with org_context(org.pk):
        return list(AuditEvent.objects.for_org(org).filter(action=action))


# SECTION: the service


def test_bulk_stage_change_writes_in_the_same_queries_for_5_and_50(org):
    def change(n):
        cohort = CohortFactory(organisation=org, capacity=100)
        enrolments = [_consented(org, cohort, "waitlisted") for _ in range(n)]
        with org_context(org.pk):
            count, changed = count_queries(
                lambda: enrolments_stage_change(
                    organisation=org,
                    cohort=cohort,
                    enrolment_ids=[e.pk for e in enrolments],
                    stage="active",
                )
            )
        assert len(changed) == n and _stages(org, enrolments) == {"active"}
        return count

    # lock the cohort, enrolments with participants, their consents, places taken, one
    # update, one audit insert = 6, whatever the number of people.
    assert change(5) == change(50) == 6


def test_bulk_stage_change_audits_each_person(org):
    cohort = CohortFactory(organisation=org)
    enrolments = [_consented(org, cohort, "enrolled") for _ in range(3)]
    with org_context(org.pk):
        enrolments_stage_change(
            organisation=org,
            cohort=cohort,
            enrolment_ids=[e.pk for e in enrolments],
            stage="completed",
        )
    events = _audit(org, "enrolment.stage_changed")
    assert sorted(int(e.target_id) for e in events) == sorted(e.pk for e in enrolments)
    assert {(e.details["from"], e.details["to"]) for e in events} == {("enrolled", "completed")}


def test_one_person_without_consent_stops_everyone_and_is_named(org):
    cohort = CohortFactory(organisation=org)
    ready = _consented(org, cohort, "applied", name="Ready")
    missing = EnrolmentFactory(
        organisation=org,
        cohort=cohort,
        stage="applied",
        participant=ParticipantFactory(organisation=org, birth_year=2000, display_name="Noor"),
    )
    with (
        org_context(org.pk),
        pytest.raises(ApplicationError, match="Noor cannot take part yet") as caught,
    ):
        enrolments_stage_change(
            organisation=org, cohort=cohort, enrolment_ids=[ready.pk, missing.pk], stage="active"
        )
    assert "Ready" not in str(caught.value)
    assert _stages(org, [ready, missing]) == {"applied"}
    assert _audit(org, "enrolment.stage_changed") == []


def test_too_few_places_for_everyone_moving_in_changes_nobody(org):
    cohort = CohortFactory(organisation=org, capacity=2)
    _consented(org, cohort, "active")
    waiting = [_consented(org, cohort, "waitlisted", name=n) for n in ("Ada", "Bo")]
    with (
        org_context(org.pk),
        pytest.raises(ApplicationError, match=r"is full .* Ada, Bo on the waiting"),
    ):
        enrolments_stage_change(
            organisation=org, cohort=cohort, enrolment_ids=[e.pk for e in waiting], stage="enrolled"
        )
    assert _stages(org, waiting) == {"waitlisted"}


def test_places_freed_in_the_same_change_count(org):
    # Two people leave and two come in with it: a full cohort of two stays full, not over.
    cohort = CohortFactory(organisation=org, capacity=2)
    _consented(org, cohort, "active")
    with org_context(org.pk):
        changed = enrolments_stage_change(
            organisation=org,
            cohort=cohort,
            enrolment_ids=[_consented(org, cohort, "waitlisted").pk],
            stage="enrolled",
        )
    assert len(changed) == 1


def test_an_enrolment_of_another_cohort_is_refused(org):
    cohort = CohortFactory(organisation=org)
    elsewhere = EnrolmentFactory(organisation=org)
    with org_context(org.pk), pytest.raises(ApplicationError, match="not in this cohort"):
        enrolments_stage_change(
            organisation=org, cohort=cohort, enrolment_ids=[elsewhere.pk], stage="withdrawn"
        )


# SECTION: the page


def test_the_page_shows_the_same_rates_and_flags_as_the_cohort_overview(org, member_client):
    # The page reads only its page of people; what it shows must not differ from the reads
    # of the whole cohort that reminders and the home page use.
    client = member_client(org, Role.COORDINATOR)
    cohort = CohortFactory(organisation=org, capacity=100)
    sessions = [
        SessionFactory(
            organisation=org, cohort=cohort, status="held", starts_at=NOW - timedelta(days=d)
        )
        for d in range(6, 0, -1)
    ]
    patterns = ["pppppp", "paaaaa", "elaaaa", "pp", ""]
    for pattern in patterns:
        enrolment = EnrolmentFactory(organisation=org, cohort=cohort)
        for session, mark in zip(sessions, pattern, strict=False):
            status = {"p": "present", "a": "absent", "e": "excused", "l": "late"}[mark]
            AttendanceFactory(organisation=org, session=session, enrolment=enrolment, status=status)

    response = client.get(reverse("cohort_detail", args=[org.slug, cohort.pk]))

    with org_context(org.pk):
        overview = cohort_overview(organisation=org, cohort=cohort, viewer=None).progress

    def shown(rows):
        return sorted(
            (p.enrolment.pk, p.attended, p.held, p.consecutive_missed, p.needs_check_in)
            for p in rows
        )

    assert shown(response.context["people"].items) == shown(overview)
    assert sum(1 for p in overview if p.needs_check_in) == 4


def test_the_cohort_page_is_one_light_table_with_a_pager(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    cohort = CohortFactory(organisation=org, capacity=100)
    for number in range(28):
        EnrolmentFactory(
            organisation=org,
            cohort=cohort,
            participant=ParticipantFactory(organisation=org, display_name=f"P{number:02d}"),
        )
    url = reverse("cohort_detail", args=[org.slug, cohort.pk])

    first = client.get(url).content.decode()
    second = client.get(url, {"page": 2})

    # No form per row any more: one bulk form with a checkbox per person on the page.
    assert first.count('name="enrolment"') == 25
    assert first.count("<form") - first.count("</form>") == 0
    assert first.count('name="stage"') == 1
    assert "Page 1 of 2 · 28 in all" in first
    assert [p.enrolment.participant.display_name for p in second.context["people"].items] == [
        "P25",
        "P26",
        "P27",
    ]


def test_the_rows_show_rates_notes_and_sessions_and_escape_what_people_typed(org, member_client):
    coordinator = member_client(org, Role.COORDINATOR)
    trainer = member_client(org, Role.TRAINER)
    cohort = CohortFactory(organisation=org)
    CohortTrainerFactory(organisation=org, cohort=cohort, user=trainer.membership.user)
    module = ModuleFactory(organisation=org, programme=cohort.programme, title="<i>Trust</i>")
    held = [
        SessionFactory(
            organisation=org,
            cohort=cohort,
            module=module,
            status="held",
            starts_at=NOW - timedelta(days=d),
        )
        for d in (4, 3, 2, 1)
    ]
    cancelled = SessionFactory(
        organisation=org, cohort=cohort, status="cancelled", starts_at=NOW + timedelta(days=1)
    )
    ana = EnrolmentFactory(
        organisation=org,
        cohort=cohort,
        participant=ParticipantFactory(organisation=org, display_name="<b>Ana</b>", code="A-1"),
    )
    for session, status in zip(held, ("present", "absent", "absent", "absent"), strict=True):
        AttendanceFactory(organisation=org, session=session, enrolment=ana, status=status)
    url = reverse("cohort_detail", args=[org.slug, cohort.pk])
    participant_url = reverse("participant_detail", args=[org.slug, ana.participant_id])
    status_url = reverse("session_status", args=[org.slug, cancelled.pk])

    page = coordinator.get(url).content.decode()
    assert "<b>Ana</b>" not in page and "<i>Trust</i>" not in page
    assert f'<a href="{participant_url}">&lt;b&gt;Ana&lt;/b&gt;</a>' in page
    assert f'value="{ana.pk}" id="pick-{ana.pk}"' in page
    assert '25&nbsp;% <span class="text-body-secondary small">(1/4)</span>' in page
    assert "3 sessions missed — check in?" in page
    assert page.count("· &lt;i&gt;Trust&lt;/i&gt;") == 4
    assert page.count("Held · 1 present") == 1 and page.count("Held · 0 present") == 3
    assert '<span class="badge text-bg-secondary">Cancelled</span>' in page
    assert f'href="{status_url}">Reinstate<span class="visually-hidden">' in page

    # A trainer reads the same rows: no checkbox, no link to the record, no session buttons.
    page = trainer.get(url).content.decode()
    assert "&lt;b&gt;Ana&lt;/b&gt; <span" in page and participant_url not in page
    assert 'name="enrolment"' not in page and status_url not in page
    assert "3 sessions missed — check in?" in page and "Held · 1 present" in page


def test_trainers_see_rates_without_the_bulk_form(org, member_client):
    client = member_client(org, Role.TRAINER)
    cohort = CohortFactory(organisation=org)
    CohortTrainerFactory(organisation=org, cohort=cohort, user=client.membership.user)
    EnrolmentFactory(organisation=org, cohort=cohort)
    EnrolmentFactory(organisation=org, cohort=cohort, stage="waitlisted")

    response = client.get(reverse("cohort_detail", args=[org.slug, cohort.pk]))

    html = response.content.decode()
    assert 'name="enrolment"' not in html and "cohort_stages" not in html
    assert len(response.context["people"].items) == 1  # the waiting list is staff's


def test_coordinator_changes_the_chosen_or_everyone_on_the_page(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    cohort = CohortFactory(organisation=org)
    people = [_consented(org, cohort, "enrolled") for _ in range(4)]
    url = reverse("cohort_stages", args=[org.slug, cohort.pk])

    chosen = client.post(url, {"enrolment": [people[0].pk, people[1].pk], "stage": "active"})
    assert chosen.status_code == 302
    assert _stages(org, people[:2]) == {"active"} and _stages(org, people[2:]) == {"enrolled"}

    everyone = client.post(
        url, {"shown": [p.pk for p in people], "all": "1", "stage": "completed", "page": "2"}
    )
    assert everyone.url.endswith("?page=2")
    assert _stages(org, people) == {"completed"}
    assert "4 people moved to Completed." in client.get(everyone.url).content.decode()


def test_a_refused_bulk_change_says_who_and_changes_nothing(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    cohort = CohortFactory(organisation=org)
    ready = _consented(org, cohort, "applied")
    missing = EnrolmentFactory(
        organisation=org,
        cohort=cohort,
        stage="applied",
        participant=ParticipantFactory(organisation=org, birth_year=2000, display_name="Noor"),
    )
    url = reverse("cohort_stages", args=[org.slug, cohort.pk])

    response = client.post(
        url, {"enrolment": [ready.pk, missing.pk], "stage": "active"}, follow=True
    )

    assert "Noor cannot take part yet" in response.content.decode()
    assert _stages(org, [ready, missing]) == {"applied"}


@pytest.mark.parametrize("role", [Role.TRAINER, Role.AMBASSADOR, Role.PARTNER])
def test_only_staff_change_stages_in_bulk(org, member_client, role):
    client = member_client(org, role)
    cohort = CohortFactory(organisation=org)
    if role == Role.TRAINER:
        CohortTrainerFactory(organisation=org, cohort=cohort, user=client.membership.user)
    enrolment = EnrolmentFactory(organisation=org, cohort=cohort)
    url = reverse("cohort_stages", args=[org.slug, cohort.pk])

    assert client.post(url, {"enrolment": [enrolment.pk], "stage": "withdrawn"}).status_code in (
        403,
        404,
    )
    assert _stages(org, [enrolment]) == {"active"}


def test_the_grid_pages_people_against_sessions_in_the_same_queries_for_5_and_50(
    org, member_client
):
    client = member_client(org, Role.COORDINATOR)

    def measure(people):
        cohort = CohortFactory(organisation=org, capacity=100)
        sessions = [
            SessionFactory(
                organisation=org, cohort=cohort, status="held", starts_at=NOW - timedelta(days=d)
            )
            for d in (1, 2)
        ]
        for _ in range(people):
            enrolment = EnrolmentFactory(organisation=org, cohort=cohort)
            AttendanceFactory(
                organisation=org, session=sessions[0], enrolment=enrolment, status="late"
            )
        url = reverse("cohort_grid", args=[org.slug, cohort.pk])
        count, response = count_queries(lambda: client.get(url))
        assert response.status_code == 200
        cells = [cells for _person, cells in response.context["rows"]]
        assert len(cells) == min(people, 25)
        # Oldest session first: held but not marked there (a dash), late at the newer one.
        assert {tuple(row) for row in cells} == {("–", "L")}
        return count

    assert measure(5) == measure(50)


# SECTION: the API


def test_the_api_moves_many_enrolments_at_once(org, api_client):
    client = api_client(org, Role.COORDINATOR)
    cohort = CohortFactory(organisation=org)
    people = [_consented(org, cohort, "waitlisted") for _ in range(3)]
    url = reverse("api-cohort-enrolments-stage", args=[org.slug, cohort.pk])

    response = client.post(
        url, {"enrolments": [p.pk for p in people], "stage": "active"}, format="json"
    )

    assert response.status_code == 200
    assert sorted(row["id"] for row in response.json()["changed"]) == sorted(p.pk for p in people)
    assert _stages(org, people) == {"active"}


def test_the_api_refuses_all_when_one_cannot_move(org, api_client):
    client = api_client(org, Role.COORDINATOR)
    cohort = CohortFactory(organisation=org, capacity=1)
    people = [_consented(org, cohort, "waitlisted") for _ in range(2)]
    url = reverse("api-cohort-enrolments-stage", args=[org.slug, cohort.pk])

    response = client.post(
        url, {"enrolments": [p.pk for p in people], "stage": "active"}, format="json"
    )

    assert response.status_code == 409
    assert _stages(org, people) == {"waitlisted"}


def test_the_api_bulk_change_is_for_staff(org, api_client):
    client = api_client(org, Role.TRAINER)
    cohort = CohortFactory(organisation=org)
    CohortTrainerFactory(organisation=org, cohort=cohort, user=client.membership.user)
    enrolment = EnrolmentFactory(organisation=org, cohort=cohort)
    url = reverse("api-cohort-enrolments-stage", args=[org.slug, cohort.pk])

    response = client.post(url, {"enrolments": [enrolment.pk], "stage": "withdrawn"}, format="json")

    assert response.status_code == 403
    assert _stages(org, [enrolment]) == {"active"}


# SECTION: email the cohort's trainers


def test_the_trainers_get_the_message_once_framed_in_their_language(org, member_client, settings):
    client = member_client(org, Role.COORDINATOR)
    cohort = CohortFactory(organisation=org, name="Spring")
    german = MembershipFactory(organisation=org, role=Role.TRAINER, user__language="de").user
    english = MembershipFactory(organisation=org, role=Role.TRAINER, user__language="en").user
    for user in (german, english):
        CohortTrainerFactory(organisation=org, cohort=cohort, user=user)
    url = reverse("cohort_email_trainers", args=[org.slug, cohort.pk])
    data = {"subject": "Room\r\nchange", "message": "We meet in room 4 from Monday."}

    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # sent twice: nothing new
    with SmtpSink() as sink:
        sink.point(settings)
        with org_context(org.pk):
            ids = deliveries_due_ids(organisation_id=org.pk)
        result = delivery_send_batch(organisation_id=org.pk, delivery_ids=ids)

    assert result.sent == 2 and sink.count == 2
    bodies = {
        m["To"]: m.get_payload()[0].get_payload(decode=True).decode() for m in sink.handler.messages
    }
    assert all(m["Subject"] == "Room change" for m in sink.handler.messages)
    assert "We meet in room 4 from Monday." in bodies[english.email]
    assert "Hallo" in bodies[german.email] and "Hello," in bodies[english.email]
    events = _audit(org, "cohort.trainers_emailed")
    assert sorted(e.details["new"] for e in events) == [0, 2]


@pytest.mark.parametrize("role", [Role.TRAINER, Role.AMBASSADOR, Role.PARTNER])
def test_only_staff_email_the_trainers(org, member_client, role):
    client = member_client(org, role)
    cohort = CohortFactory(organisation=org)
    CohortTrainerFactory(organisation=org, cohort=cohort, user=client.membership.user)
    url = reverse("cohort_email_trainers", args=[org.slug, cohort.pk])

    response = client.post(url, {"subject": "Hi", "message": "Hello"})

    assert response.status_code in (403, 404)
    with org_context(org.pk):
        assert not Delivery.objects.for_org(org).exists()


def test_a_cohort_without_trainers_says_so(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    cohort = CohortFactory(organisation=org)
    url = reverse("cohort_email_trainers", args=[org.slug, cohort.pk])

    response = client.post(url, {"subject": "Hi", "message": "Hello"})

    assert response.status_code == 400
    assert "no trainers yet" in response.content.decode()
