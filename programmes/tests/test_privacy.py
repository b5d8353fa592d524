"""Data-protection requests about participants (export, erasure) and retention of participants
and session logs, through the framework in cocora.privacy."""

import json
import re
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import jsonschema
import pytest
import time_machine
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.urls import reverse

from cocora import celery_app
from cocora.audit.models import AuditEvent
from cocora.core.errors import ApplicationError
from cocora.notifications.models import Delivery
from cocora.organisations.context import org_context
from cocora.organisations.models import Role
from cocora.privacy.models import ErasureRecord, RetentionPolicy
from cocora.privacy.periods import months_before
from cocora.privacy.services import retention_preview, retention_run, subject_erase
from cocora.privacy.tasks import retention_nightly
from cocora.testing.queries import count_queries
from programmes.models import (
    Attendance,
    Consent,
    Enrolment,
    Participant,
    SessionLog,
    SessionLogActivity,
)
from programmes.selectors.participants import contact_recipients
from programmes.services.consent import consent_withdraw
from programmes.tests.factories import (
    ActivityFactory,
    AttendanceFactory,
    CohortFactory,
    ConsentFactory,
    EnrolmentFactory,
    ParticipantFactory,
    SessionFactory,
    SessionLogFactory,
)

pytestmark = pytest.mark.django_db

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[1] / "schemas" / "participant_export.schema.json").read_text()
)
CPH = ZoneInfo("Europe/Copenhagen")
NOW = datetime(2026, 6, 15, 10, 0, tzinfo=CPH)


def _url(name, org, participant_id):
    return reverse(name, kwargs={"org_slug": org.slug, "participant_id": participant_id})


def _refetch(org, participant):
    with org_context(org.pk):
        return Participant.objects.for_org(org).get(pk=participant.pk)


def _audit(org, action):
    with org_context(org.pk):
        return list(AuditEvent.objects.for_org(org).filter(action=action).order_by("pk"))


def _participant_with_history(org, **fields):
    """A participant with two consents (one withdrawn), a cohort with two held sessions (one
    attended, one missed) and a logged session."""
    participant = ParticipantFactory(organisation=org, **fields)
    ConsentFactory(organisation=org, participant=participant, given_on=date(2025, 9, 1))
    ConsentFactory(
        organisation=org,
        participant=participant,
        scope="contact",
        given_on=date(2025, 9, 1),
        withdrawn_at=datetime(2025, 12, 1, 9, 0, tzinfo=CPH),
    )
    cohort = CohortFactory(
        organisation=org, name="Autumn group", starts_on=date(2025, 9, 1), ends_on=date(2026, 1, 31)
    )
    enrolment = EnrolmentFactory(
        organisation=org, cohort=cohort, participant=participant, joined_on=date(2025, 9, 1)
    )
    first = SessionFactory(
        organisation=org, cohort=cohort, starts_at=datetime(2025, 9, 8, 16, 0, tzinfo=CPH)
    )
    second = SessionFactory(
        organisation=org, cohort=cohort, starts_at=datetime(2025, 9, 15, 16, 0, tzinfo=CPH)
    )
    AttendanceFactory(organisation=org, session=first, enrolment=enrolment, status="present")
    AttendanceFactory(organisation=org, session=second, enrolment=enrolment, status="absent")
    SessionLogFactory(organisation=org, session=first, summary="The group planned a podcast.")
    return participant


# --- export -------------------------------------------------------------------------------


def test_json_export_follows_the_documented_schema(org, admin_client_):
    participant = _participant_with_history(
        org, display_name="Aya", email="aya@example.org", guardian_name="Hana"
    )

    response = admin_client_.get(
        _url("participant_data_export", org, participant.pk) + "?format=json"
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == (
        f'attachment; filename="participant-{participant.code}.json"'
    )
    assert "no-store" in response["Cache-Control"]
    document = json.loads(response.content)
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    jsonschema.Draft202012Validator(SCHEMA).validate(document)
    assert document["participant"]["display_name"] == "Aya"
    assert document["participant"]["email"] == "aya@example.org"
    assert [c["withdrawn_at"] is not None for c in document["consents"]] == [False, True]
    (enrolment,) = document["enrolments"]
    assert enrolment["cohort"]["name"] == "Autumn group"
    assert enrolment["attendance"] == [
        {
            "session_date": "2025-09-08",
            "starts_at": "2025-09-08T16:00:00+02:00",
            "status": "present",
        },
        {
            "session_date": "2025-09-15",
            "starts_at": "2025-09-15T16:00:00+02:00",
            "status": "absent",
        },
    ]
    # Session logs are about the group, not the person.
    assert "podcast" not in response.content.decode()
    # The export is audited, without the content.
    (event,) = _audit(org, "privacy.subject_exported")
    assert event.details == {"format": "json"}
    assert event.target_id == str(participant.pk)
    assert event.actor_id == admin_client_.membership.user_id


def test_readable_export_shows_the_same_data(org, admin_client_):
    participant = _participant_with_history(org, display_name="Aya", phone="+45 20 30 40 50")

    response = admin_client_.get(_url("participant_data_export", org, participant.pk))

    assert response.status_code == 200
    page = response.content.decode()
    for text in ("Aya", "+45 20 30 40 50", participant.code, "Autumn group", "Present", "Absent"):
        assert text in page
    assert "podcast" not in page
    assert "no-store" in response["Cache-Control"]
    assert [e.details for e in _audit(org, "privacy.subject_exported")] == [{"format": "html"}]


def test_export_in_an_unknown_format_is_refused(org, admin_client_):
    participant = ParticipantFactory(organisation=org)

    response = admin_client_.get(
        _url("participant_data_export", org, participant.pk) + "?format=xml"
    )

    assert response.status_code == 400
    assert "json" in response.content.decode()
    assert _audit(org, "privacy.subject_exported") == []


def test_export_takes_the_same_number_of_queries_for_1_and_5_cohorts(org, admin_client_):
    def make(n):
        participant = ParticipantFactory(organisation=org)
        for _ in range(n):
            enrolment = EnrolmentFactory(organisation=org, participant=participant)
            AttendanceFactory(
                organisation=org,
                enrolment=enrolment,
                session=SessionFactory(organisation=org, cohort=enrolment.cohort),
            )
        return participant

    small, large = make(1), make(5)
    url = _url("participant_data_export", org, small.pk) + "?format=json"
    count_small, _ = count_queries(lambda: admin_client_.get(url))
    url = _url("participant_data_export", org, large.pk) + "?format=json"
    count_large, _ = count_queries(lambda: admin_client_.get(url))

    # Session, membership and participant lookups, erasure record, consents, enrolments with
    # cohorts and programmes, attendance with sessions, the audit insert: none grows per row.
    assert count_small == count_large


# --- who may ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.TRAINER, Role.AMBASSADOR, Role.PARTNER])
def test_data_requests_are_for_admins_only(org, member_client, role):
    client = member_client(org, role)
    participant = ParticipantFactory(organisation=org, display_name="Aya")

    answers = [
        client.get(_url("participant_data_export", org, participant.pk)).status_code,
        client.get(
            _url("participant_data_export", org, participant.pk) + "?format=json"
        ).status_code,
        client.get(_url("participant_erase", org, participant.pk)).status_code,
        client.post(
            _url("participant_erase", org, participant.pk), {"confirm_code": participant.code}
        ).status_code,
    ]

    assert answers == [403, 403, 403, 403]
    assert _refetch(org, participant).display_name == "Aya"
    assert _audit(org, "privacy.subject_exported") == []
    assert _audit(org, "privacy.subject_erased") == []


# --- erasure ------------------------------------------------------------------------------


def test_the_erasure_page_says_what_goes_and_what_stays(org, admin_client_):
    participant = _participant_with_history(org, display_name="Aya")

    response = admin_client_.get(_url("participant_erase", org, participant.pk))

    assert response.status_code == 200
    page = response.content.decode()
    assert participant.code in page
    assert "cannot be undone" in page
    for kept in ("2 consents", "1 enrolment", "2 attendance records"):
        assert kept in page


def test_erasure_needs_the_participants_code_typed(org, admin_client_):
    participant = ParticipantFactory(organisation=org, display_name="Aya")

    response = admin_client_.post(
        _url("participant_erase", org, participant.pk), {"confirm_code": "P-WRONG1"}
    )

    assert response.status_code == 400
    assert f"This is not the code {participant.code}" in response.content.decode()
    assert _refetch(org, participant).display_name == "Aya"
    with org_context(org.pk):
        assert not ErasureRecord.objects.for_org(org).exists()


TEXT_TYPES = ("text", "character varying", "character", "json", "jsonb")


def _everywhere(needles):
    """Every text (and JSON) column of every table, searched with raw SQL for each needle: which
    (table, column, needle) still hold it. Run inside an organisation's context, so that its
    tenant rows (and every global table) are visible."""
    found = []
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND data_type = ANY(%s) "
            "ORDER BY table_name, column_name",
            [list(TEXT_TYPES)],
        )
        columns = cursor.fetchall()
        assert len(columns) > 50  # the sweep sees the whole schema, not a corner of it
        for table, column in columns:
            for needle in needles:
                # Names from the catalogue, quoted: not user input.
                quoted_table, quoted_column = qn(table), qn(column)
                cursor.execute(
                    f"SELECT count(*) FROM {quoted_table} WHERE {quoted_column}::text ILIKE %s",  # noqa: S608
                    ["%" + needle.replace("%", r"\%").replace("_", r"\_") + "%"],
                )
                if cursor.fetchone()[0]:
                    found.append((table, column, needle))
    return found


@pytest.mark.postgres
def test_after_erasure_the_name_and_contact_appear_nowhere_in_the_database(
    org, admin_client_, member_client
):
    # Given a participant known by name, with contact and guardian details, whose name and
    # email a trainer wrote into a session log (and its confidential note), who was exported,
    # and whose record was once changed in Django's admin.
    contact = {
        "display_name": "Zephyrine Okonkwo",
        "email": "zephyrine.o@example.net",
        "phone": "+45 61 72 83 94",
        "guardian_name": "Marguerite Okonkwo",
        "guardian_email": "m.okonkwo@example.net",
        "guardian_phone": "+45 71 82 93 04",
    }
    participant = _participant_with_history(
        org, birth_year=2009, preferred_language="fr", **contact
    )
    with org_context(org.pk):
        log = SessionLog.objects.for_org(org).get()
        log.summary = "Zephyrine led the warm-up; write to zephyrine.o@example.net for photos."
        log.themes = "Rights at school (raised by ZEPHYRINE)"
        log.follow_ups = "Call her guardian on 71 82 93 04."
        log.confidential_note = "Okonkwo family moved house."
        log.save()
        enrolments_before = Enrolment.objects.for_org(org).count()
        attendance_before = Attendance.objects.for_org(org).count()
        consents_before = Consent.objects.for_org(org).count()
        with connection.cursor() as cursor:
            # What the database stored (the contact fields are encrypted tokens): gone too.
            cursor.execute(
                "SELECT email, phone, guardian_name, guardian_email, guardian_phone "
                "FROM programmes_participant WHERE id = %s",
                [participant.pk],
            )
            stored = [value for value in cursor.fetchone() if value]
    LogEntry.objects.create(
        user_id=admin_client_.membership.user_id,
        content_type=ContentType.objects.get_for_model(Participant),
        object_id=str(participant.pk),
        object_repr=str(participant),
        action_flag=CHANGE,
        change_message="Changed display_name for Zephyrine Okonkwo.",
    )
    # A reminder to the guardian was sent, and another one waits: their rows hold the address
    # (encrypted) and the first name the email greets with.
    with org_context(org.pk):
        for occasion, status in (("sent", "sent"), ("next", "queued")):
            Delivery.objects.create(
                organisation=org,
                rule="session_reminder_guardian",
                kind="session_reminder",
                object_type="programmes.session",
                object_id="1",
                occasion=occasion,
                recipient_kind="guardian",
                recipient_participant_id=participant.pk,
                recipient_email=contact["guardian_email"],
                address_hash="a" * 64,
                language="fr",
                context={"first_name": "Zephyrine", "cohort": "Wednesday group"},
                idempotency_key=f"erasure-{occasion}",
                status=status,
            )
        stored += list(
            Delivery.objects.for_org(org).values_list("recipient_email", flat=True).distinct()
        )
    admin_client_.get(_url("participant_data_export", org, participant.pk))
    needles = [*contact.values(), "Zephyrine", "Okonkwo", "Marguerite", "61 72 83 94", *stored]
    with org_context(org.pk):
        assert _everywhere(needles)  # the sweep does find them before

    # When an admin erases the participant's data.
    response = admin_client_.post(
        _url("participant_erase", org, participant.pk), {"confirm_code": participant.code.lower()}
    )

    # Then nothing of it is left, anywhere.
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "participant_detail", kwargs={"org_slug": org.slug, "participant_id": participant.pk}
    )
    with org_context(org.pk):
        assert _everywhere(needles) == []
        erased = Participant.objects.for_org(org).get(pk=participant.pk)
        log = SessionLog.objects.for_org(org).get()
        record = ErasureRecord.objects.for_org(org).get()
        # The counts stay: same code, same consents, enrolments and attendance.
        assert Enrolment.objects.for_org(org).count() == enrolments_before
        assert Attendance.objects.for_org(org).count() == attendance_before
        assert Consent.objects.for_org(org).count() == consents_before
    assert erased.code == participant.code
    assert erased.display_name == "Erased participant"
    assert (erased.birth_year, erased.preferred_language) == (None, "")
    assert [getattr(erased, f) for f in contact if f != "display_name"] == [""] * 5
    # Decrypted, the confidential note is clean too.
    assert log.confidential_note == "[removed] family moved house."
    assert log.summary == "[removed] led the warm-up; write to [removed] for photos."
    assert log.themes == "Rights at school (raised by [removed])"
    assert log.follow_ups == "Call her guardian on [removed]."
    assert record.subject_code == participant.code
    assert record.actor_id == admin_client_.membership.user_id
    assert record.reason == "request"
    assert record.counts == {
        "participants_anonymised": 1,
        "session_logs_redacted": 1,
        "consents_kept": 2,
        "enrolments_kept": 1,
        "attendance_kept": 2,
        "deliveries_cleared": 2,
        "deliveries_cancelled": 1,
        "admin_history_scrubbed": 1,
    }
    with org_context(org.pk):
        # The log keeps what went out and what no longer will, without whom or what it said.
        assert sorted(Delivery.objects.for_org(org).values_list("status", flat=True)) == [
            "sent",
            "skipped",
        ]
    (event,) = _audit(org, "privacy.subject_erased")
    assert event.details["erasure_id"] == record.pk
    assert event.target_id == str(participant.pk)


def test_a_second_erasure_is_refused_with_a_message(org, admin_client_):
    participant = ParticipantFactory(organisation=org)
    url = _url("participant_erase", org, participant.pk)
    admin_client_.post(url, {"confirm_code": participant.code})

    again = admin_client_.post(url, {"confirm_code": participant.code})
    page = admin_client_.get(url).content.decode()

    assert again.status_code == 400
    assert "was erased already" in again.content.decode()
    # The date as people write it ("6 November 2026"), not ISO.
    assert re.search(r"erased already, on \d{1,2} [A-Z][a-z]+ \d{4}\.", again.content.decode())
    assert "nothing left to erase" in page
    with org_context(org.pk):
        assert ErasureRecord.objects.for_org(org).count() == 1


def test_erasing_another_organisations_participant_is_a_404_that_changes_nothing(
    org, other_org, admin_client_
):
    foreign = _participant_with_history(other_org, display_name="Aya", email="aya@example.org")
    url = _url("participant_erase", org, foreign.pk)

    answers = [
        admin_client_.get(url).status_code,
        admin_client_.post(url, {"confirm_code": foreign.code}).status_code,
        admin_client_.get(_url("participant_data_export", org, foreign.pk)).status_code,
    ]

    assert answers == [404, 404, 404]
    unchanged = _refetch(other_org, foreign)
    assert (unchanged.display_name, unchanged.email) == ("Aya", "aya@example.org")
    for each in (org, other_org):
        with org_context(each.pk):
            assert not ErasureRecord.objects.for_org(each).exists()
    # The refusal is in the trail of the organisation that was asked, with no personal data.
    denied = [e.details for e in _audit(org, "access.denied")]
    assert [(d["status"], d["method"], d["path"]) for d in denied] == [
        (404, "GET", url),
        (404, "POST", url),
        (404, "GET", _url("participant_data_export", org, foreign.pk)),
    ]
    assert "Aya" not in json.dumps(denied)
    assert _audit(other_org, "access.denied") == []
    assert _audit(org, "privacy.subject_erased") == []


def test_the_erasure_service_refuses_another_organisations_participant(org, other_org):
    foreign = ParticipantFactory(organisation=other_org, display_name="Aya")

    with org_context(org.pk), pytest.raises(ApplicationError):
        subject_erase(organisation=org, subject=foreign, actor=None)

    assert _refetch(other_org, foreign).display_name == "Aya"


# --- consent withdrawal -------------------------------------------------------------------


def test_withdrawing_contact_consent_takes_the_person_off_the_recipients_at_once(org):
    cohort = CohortFactory(organisation=org)
    participant = ParticipantFactory(organisation=org, email="aya@example.org")
    EnrolmentFactory(organisation=org, cohort=cohort, participant=participant, stage="active")
    consent = ConsentFactory(organisation=org, participant=participant, scope="contact")
    with org_context(org.pk):
        assert contact_recipients(organisation=org, cohort_id=cohort.pk) == [participant]

        consent_withdraw(organisation=org, consent=consent, actor=None)

        assert contact_recipients(organisation=org, cohort_id=cohort.pk) == []


# --- retention ----------------------------------------------------------------------------


def _cohort_ended(org, months_ago, **kwargs):
    ends_on = months_before(NOW, months_ago).date()
    return CohortFactory(
        organisation=org, starts_on=ends_on - timedelta(days=90), ends_on=ends_on, **kwargs
    )


def _enrolled(org, cohort, name):
    participant = ParticipantFactory(organisation=org, display_name=name, email=f"{name}@x.org")
    EnrolmentFactory(organisation=org, cohort=cohort, participant=participant)
    return participant


@pytest.fixture
def retention_world(org):
    """Participants and session logs on both sides of the default periods (24 and 36 months),
    as of NOW."""
    with time_machine.travel(NOW - timedelta(days=800), tick=False):
        never_enrolled_old = ParticipantFactory(organisation=org, display_name="Old")
    world = {
        "ended_25": _enrolled(org, _cohort_ended(org, 25), "Ended25"),
        "ended_23": _enrolled(org, _cohort_ended(org, 23), "Ended23"),
        "never_enrolled_old": never_enrolled_old,
        "never_enrolled_new": ParticipantFactory(organisation=org, display_name="New"),
    }
    # Ended long ago, but also in a cohort that is still running: kept.
    still_running = CohortFactory(organisation=org, starts_on=NOW.date() - timedelta(days=30))
    both = _enrolled(org, _cohort_ended(org, 30), "Both")
    EnrolmentFactory(organisation=org, cohort=still_running, participant=both)
    world["also_in_a_running_cohort"] = both
    # No end date: the end of the last session that took place counts.
    by_sessions = CohortFactory(organisation=org, starts_on=months_before(NOW, 28).date())
    SessionFactory(organisation=org, cohort=by_sessions, starts_at=months_before(NOW, 27))
    SessionFactory(
        organisation=org, cohort=by_sessions, starts_at=months_before(NOW, 26), status="held"
    )
    SessionFactory(
        organisation=org, cohort=by_sessions, starts_at=months_before(NOW, 2), status="cancelled"
    )
    world["ended_by_sessions"] = _enrolled(org, by_sessions, "BySessions")
    # Neither an end date nor a session: it has not ended.
    world["undated"] = _enrolled(
        org, CohortFactory(organisation=org, starts_on=months_before(NOW, 40).date()), "Undated"
    )
    world["log_37"] = SessionLogFactory(
        organisation=org,
        session=SessionFactory(organisation=org, starts_at=months_before(NOW, 37)),
    )
    with org_context(org.pk):
        SessionLogActivity.objects.create(
            organisation=org, log=world["log_37"], activity=ActivityFactory(organisation=org)
        )
    world["log_35"] = SessionLogFactory(
        organisation=org,
        session=SessionFactory(organisation=org, starts_at=months_before(NOW, 35)),
    )
    return world


@pytest.fixture
def eager_celery():
    """`.apply()` makes the Celery app create and cache its result backend for the thread (a
    disabled one: tests configure none). Put back what was there before, so that a later test
    can still configure a real backend (tests/test_celery.py's worker does)."""
    cached, local = celery_app._backend_cache, vars(celery_app._local).get("backend")
    yield
    celery_app._backend_cache = cached
    if local is None:
        vars(celery_app._local).pop("backend", None)
    else:
        celery_app._local.backend = local


DUE = {"ended_25", "never_enrolled_old", "ended_by_sessions"}


def test_retention_run_anonymises_and_deletes_what_is_past_its_period(org, retention_world):
    world = retention_world
    with time_machine.travel(NOW, tick=False), org_context(org.pk):
        preview = retention_preview(organisation=org)
        counts = retention_run(organisation=org)
        again = retention_run(organisation=org)

    # The preview announced exactly what the run then did; a second run finds nothing.
    assert preview["participants"] == counts["participants"] == len(DUE)
    assert preview["session_logs"] == counts["session_logs"] == 1
    assert counts == {"participants": 3, "session_logs": 1, "exports": 0}
    assert again == {"participants": 0, "session_logs": 0, "exports": 0}
    names = {key: _refetch(org, p).display_name for key, p in world.items() if key[:3] != "log"}
    assert {k for k, name in names.items() if name == "Erased participant"} == DUE
    assert names["ended_23"] == "Ended23"
    assert names["also_in_a_running_cohort"] == "Both"
    assert names["undated"] == "Undated"
    assert _refetch(org, world["ended_25"]).email == ""
    with org_context(org.pk):
        assert list(SessionLog.objects.for_org(org).values_list("pk", flat=True)) == [
            world["log_35"].pk
        ]
        assert not SessionLogActivity.objects.for_org(org).exists()
        records = list(ErasureRecord.objects.for_org(org))
    assert {r.subject_code for r in records} == {world[k].code for k in DUE}
    assert {(r.reason, r.actor_id, r.erased_at) for r in records} == {("retention", None, NOW)}
    runs = _audit(org, "privacy.retention_applied")
    assert [e.details["counts"] for e in runs] == [counts, again]


def test_a_longer_period_keeps_what_the_default_would_remove(org, retention_world):
    with org_context(org.pk):
        RetentionPolicy.objects.create(organisation=org, record_type="participants", period=26)
        RetentionPolicy.objects.create(organisation=org, record_type="session_logs", period=38)
        with time_machine.travel(NOW, tick=False):
            preview = retention_preview(organisation=org)

    # Ended 25 months ago is now inside the period; the sessions' cohort ended 26 months ago
    # (its cancelled session later on does not count), the never-enrolled record is 26 old.
    assert preview["participants"] == 1
    assert preview["session_logs"] == 0


def test_the_nightly_task_runs_every_organisation_in_its_own_context(org, other_org, eager_celery):
    people = {}
    for each in (org, other_org):
        people[each.pk] = (
            _enrolled(each, _cohort_ended(each, 25), f"Due{each.slug}"),
            _enrolled(each, _cohort_ended(each, 1), f"Kept{each.slug}"),
        )
        SessionLogFactory(
            organisation=each,
            session=SessionFactory(organisation=each, starts_at=months_before(NOW, 40)),
        )

    with time_machine.travel(NOW, tick=False):
        result = retention_nightly.apply().get()

    expected = {"participants": 1, "session_logs": 1, "exports": 0}
    assert result == {org.pk: expected, other_org.pk: expected}
    for each in (org, other_org):
        due, kept = people[each.pk]
        assert _refetch(each, due).display_name == "Erased participant"
        assert _refetch(each, kept).display_name == f"Kept{each.slug}"
        with org_context(each.pk):
            (record,) = ErasureRecord.objects.for_org(each)
            assert record.subject_code == due.code
            assert not SessionLog.objects.for_org(each).exists()
        assert len(_audit(each, "privacy.retention_applied")) == 1


def test_the_retention_page_shows_what_the_next_run_would_affect(
    org, admin_client_, retention_world
):
    url = reverse("retention_settings", kwargs={"org_slug": org.slug})
    with time_machine.travel(NOW, tick=False):
        page = admin_client_.get(url).content.decode()

    assert "What the next nightly run would affect" in page
    # participants, session logs, audit events, exports
    assert [int(n) for n in _due_cells(page)] == [3, 1, 0, 0]


def _due_cells(page):
    return re.findall(r'data-label="Past their period now">(\d+)', page)


def test_a_refused_method_on_the_export_exports_nothing(org, admin_client_):
    participant = ParticipantFactory(organisation=org)

    response = admin_client_.post(_url("participant_data_export", org, participant.pk))

    assert response.status_code == 405
    assert _audit(org, "privacy.subject_exported") == []
