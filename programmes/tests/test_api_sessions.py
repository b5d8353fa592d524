"""The sessions API: sessions, scheduling from a rule, attendance and session logs."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from cocora.audit.models import AuditEvent
from cocora.organisations.context import org_context
from cocora.organisations.models import Role
from cocora.organisations.tests.factories import MembershipFactory
from cocora.testing.queries import count_queries
from programmes.api.sessions import AttendanceSheetSerializer
from programmes.models import ATTENDING_STAGES, Attendance, Enrolment, Session, SessionLog
from programmes.tests.factories import (
    ActivityFactory,
    AttendanceFactory,
    CohortFactory,
    CohortTrainerFactory,
    EnrolmentFactory,
    ModuleFactory,
    SessionFactory,
    SessionLogFactory,
)

pytestmark = pytest.mark.django_db
CPH = ZoneInfo("Europe/Copenhagen")

# The field policy of each answer, per role: an added field fails these on purpose.
SESSION_FIELDS = {
    "id",
    "cohort",
    "cohort_name",
    "module",
    "module_title",
    "starts_at",
    "ends_at",
    "venue",
    "status",
    "updated_at",
    "clashes",
}
SHEET_FIELDS = {"session", "session_status", "marks"}
MARK_FIELDS = {"enrolment", "participant", "display_name", "code", "status", "recorded_at"}
LOG_FIELDS = {
    "session",
    "author",
    "safe_space",
    "summary",
    "themes",
    "group_climate",
    "follow_ups",
    "activities",
    "updated_at",
}
# Only the log's author and the cohort's current coordinator receive the note's key.
LOG_FIELDS_WITH_NOTE = {*LOG_FIELDS, "confidential_note"}


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


def _marks(org):
    with org_context(org.pk):
        return {
            a.enrolment_id: (a.status, a.recorded_at, a.recorded_by_id)
            for a in Attendance.objects.for_org(org)
        }


# SECTION: sessions


def test_sessions_are_answered_in_the_organisations_time_zone(org, api_client):
    session = SessionFactory(
        organisation=org,
        starts_at=datetime(2026, 6, 1, 16, 0, tzinfo=CPH),
        ends_at=datetime(2026, 6, 1, 18, 0, tzinfo=CPH),
    )
    response = api_client(org, Role.COORDINATOR).get(
        _url("session-detail", org, session_id=session.pk)
    )
    assert response.status_code == 200
    assert response.json()["starts_at"] == "2026-06-01T16:00:00+02:00"
    assert response.json()["ends_at"] == "2026-06-01T18:00:00+02:00"


def test_a_trainer_lists_the_sessions_of_their_cohorts_only(org, api_client):
    mine, theirs = SessionFactory(organisation=org), SessionFactory(organisation=org)
    trainer = _trainer_of(org, api_client, mine.cohort)

    trainer_rows = trainer.get(_url("session-list", org)).json()["results"]
    staff_rows = api_client(org, Role.COORDINATOR).get(_url("session-list", org)).json()["results"]

    assert [row["id"] for row in trainer_rows] == [mine.pk]
    assert {row["id"] for row in staff_rows} == {mine.pk, theirs.pk}
    assert set(trainer_rows[0]) == set(staff_rows[0]) == SESSION_FIELDS
    assert trainer.get(_url("session-detail", org, session_id=theirs.pk)).status_code == 404
    assert trainer.get(_url("cohort-sessions", org, cohort_id=theirs.cohort_id)).status_code == (
        404
    )


def test_sessions_filter_by_cohort_and_time_for_a_calendar(org, api_client):
    cohort = CohortFactory(organisation=org)
    early = SessionFactory(
        organisation=org, cohort=cohort, starts_at=datetime(2026, 5, 4, 16, tzinfo=CPH)
    )
    late = SessionFactory(
        organisation=org, cohort=cohort, starts_at=datetime(2026, 5, 11, 16, tzinfo=CPH)
    )
    SessionFactory(organisation=org, starts_at=datetime(2026, 5, 5, 16, tzinfo=CPH))
    client = _trainer_of(org, api_client, cohort)
    url = _url("session-list", org)

    def ids(params):
        response = client.get(url, params)
        assert response.status_code == 200
        return [row["id"] for row in response.json()["results"]]

    assert ids({"cohort": cohort.pk}) == [early.pk, late.pk]
    assert ids({"starts_after": "2026-05-05T00:00:00+02:00"}) == [late.pk]
    assert ids({"starts_before": "2026-05-05T00:00:00+02:00"}) == [early.pk]
    bad = client.get(url, {"starts_after": "next week"})
    assert bad.status_code == 400
    assert "starts_after" in bad.json()["errors"]


def test_session_lists_queries_do_not_grow_with_rows(org, api_client):
    client = api_client(org, Role.COORDINATOR)

    def measure(count):
        cohort = CohortFactory(organisation=org)
        for _ in range(count):
            SessionFactory(organisation=org, cohort=cohort, module=ModuleFactory(organisation=org))
        flat, response = _queries(client, _url("session-list", org), {"cohort": cohort.pk})
        assert response.json()["count"] == count
        nested, response = _queries(client, _url("cohort-sessions", org, cohort_id=cohort.pk))
        assert response.json()["count"] == count
        return flat, nested

    # Token, membership, (the cohort,) the page count, one page of sessions with cohort and
    # module joined: constant.
    assert measure(5) == measure(50)


def test_sessions_are_not_for_ambassadors(org, api_client):
    assert api_client(org, Role.AMBASSADOR).get(_url("session-list", org)).status_code == 403


def test_a_coordinator_schedules_sessions_at_local_time_across_daylight_saving(org, api_client):
    cohort = CohortFactory(organisation=org, venue="Youth centre", starts_on=date(2026, 3, 1))
    modules = [ModuleFactory(organisation=org, programme=cohort.programme) for _ in range(2)]
    client = api_client(org, Role.COORDINATOR)

    response = client.post(
        _url("cohort-sessions-generate", org, cohort_id=cohort.pk),
        {"first_date": "2026-03-16", "weekdays": [0], "start_time": "16:00", "count": 4},
    )

    assert response.status_code == 201
    rows = response.json()
    assert [row["starts_at"] for row in rows] == [
        "2026-03-16T16:00:00+01:00",
        "2026-03-23T16:00:00+01:00",
        "2026-03-30T16:00:00+02:00",  # summer time from 29 March: still 16:00
        "2026-04-06T16:00:00+02:00",
    ]
    assert [row["module"] for row in rows] == [modules[0].pk, modules[1].pk, None, None]
    assert {row["venue"] for row in rows} == {"Youth centre"}
    assert set(rows[0]) == SESSION_FIELDS
    assert "api.api-cohort-sessions-generate" in _audit_actions(org)
    assert "sessions.generated" in _audit_actions(org)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"count": None}, "count"),  # neither a count nor an end date
        ({"until": "2026-12-31"}, "count"),  # both
        ({"count": 500}, "count"),
        ({"weekdays": []}, "weekdays"),
        ({"weekdays": [7]}, "weekdays.0"),
        ({"duration_minutes": 0}, "duration_minutes"),
        ({"first_date": "0001-01-01"}, "first_date"),
        ({"start_time": "late"}, "start_time"),
        ({"venue": "v" * 201}, "venue"),
        ({"every": 2}, "every"),
    ],
)
def test_a_bad_rule_is_refused_and_schedules_nothing(org, api_client, change, field):
    cohort = CohortFactory(organisation=org)
    body = {"first_date": "2026-03-02", "weekdays": [0], "start_time": "16:00", "count": 10}
    body.update(change)
    response = api_client(org, Role.COORDINATOR).post(
        _url("cohort-sessions-generate", org, cohort_id=cohort.pk), body, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()["errors"]
    with org_context(org.pk):
        assert not Session.objects.for_org(org).exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"count": None}, "Give either a number of sessions or an end date."),
        ({"until": "2026-12-31"}, "Give either the number of sessions or an end date, not both."),
    ],
)
def test_a_rule_with_neither_or_both_ends_says_which(org, api_client, change, message):
    # Regression: a rule with neither a count nor an end date was told "…not both".
    cohort = CohortFactory(organisation=org)
    body = {"first_date": "2026-03-02", "weekdays": [0], "start_time": "16:00", "count": 10}
    body.update(change)
    response = api_client(org, Role.COORDINATOR).post(
        _url("cohort-sessions-generate", org, cohort_id=cohort.pk), body, format="json"
    )
    assert response.json()["errors"]["count"] == [message]


def test_trainers_read_sessions_but_do_not_schedule_or_change_them(org, api_client):
    session = SessionFactory(organisation=org, venue="Hall")
    trainer = _trainer_of(org, api_client, session.cohort)
    generate = trainer.post(
        _url("cohort-sessions-generate", org, cohort_id=session.cohort_id),
        {"first_date": "2026-03-02", "weekdays": [0], "start_time": "16:00", "count": 2},
    )
    change = trainer.patch(_url("session-detail", org, session_id=session.pk), {"venue": "Park"})
    assert generate.status_code == change.status_code == 403
    with org_context(org.pk):
        assert list(Session.objects.for_org(org).values_list("venue", flat=True)) == ["Hall"]


def test_a_session_is_moved_reading_times_in_the_organisations_time_zone(org, api_client):
    session = SessionFactory(organisation=org, venue="Hall")
    module = ModuleFactory(organisation=org, programme=session.cohort.programme)
    client = api_client(org, Role.COORDINATOR)

    response = client.patch(
        _url("session-detail", org, session_id=session.pk),
        {"starts_at": "2026-05-04T18:00", "ends_at": "2026-05-04T20:00", "module": module.pk},
    )

    assert response.status_code == 200
    assert response.json()["starts_at"] == "2026-05-04T18:00:00+02:00"
    assert response.json()["module_title"] == module.title
    with org_context(org.pk):
        session.refresh_from_db()
    assert session.starts_at == datetime(2026, 5, 4, 18, 0, tzinfo=CPH)
    assert session.venue == "Hall"
    assert "api.api-session-detail" in _audit_actions(org)


def test_a_session_is_cancelled_and_reinstated(org, api_client):
    session = SessionFactory(organisation=org)
    client = api_client(org, Role.COORDINATOR)
    url = _url("session-detail", org, session_id=session.pk)
    assert client.patch(url, {"status": "cancelled"}).json()["status"] == "cancelled"
    assert client.patch(url, {"status": "scheduled"}).json()["status"] == "scheduled"
    assert _audit_actions(org).count("session.status_changed") == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"starts_at": "2026-05-04T18:00", "ends_at": "2026-05-04T17:00"}, "ends_at"),
        ({"starts_at": "2026-05-04T18:00", "ends_at": "2026-05-14T18:00"}, "ends_at"),
        ({"starts_at": "0001-01-01T00:00"}, "starts_at"),
        ({"module": "elsewhere"}, "module"),  # a module of another programme
        ({"module": "foreign"}, "module"),  # another organisation's module
        ({"status": "postponed"}, "status"),
        ({"cohort": 1}, "cohort"),
    ],
)
def test_a_bad_session_change_is_refused_and_changes_nothing(
    org, other_org, api_client, body, field
):
    start = datetime(2026, 5, 4, 16, tzinfo=CPH)
    session = SessionFactory(organisation=org, starts_at=start, ends_at=start + timedelta(hours=2))
    ids = {
        "elsewhere": ModuleFactory(organisation=org).pk,
        "foreign": ModuleFactory(organisation=other_org).pk,
    }
    body = {k: ids.get(v, v) if isinstance(v, str) else v for k, v in body.items()}

    response = api_client(org, Role.COORDINATOR).patch(
        _url("session-detail", org, session_id=session.pk), body
    )

    assert response.status_code == 400
    assert field in response.json()["errors"]
    with org_context(org.pk):
        session.refresh_from_db()
    assert (session.starts_at, session.module_id, session.status) == (start, None, "scheduled")


def test_another_organisations_session_is_not_found_whatever_the_method(org, other_org, api_client):
    theirs = SessionFactory(organisation=other_org, venue="Theirs")
    enrolment = EnrolmentFactory(organisation=other_org, cohort=theirs.cohort)
    client = api_client(org, Role.ADMIN)
    detail = _url("session-detail", org, session_id=theirs.pk)
    attendance = _url("session-attendance", org, session_id=theirs.pk)
    log = _url("session-log", org, session_id=theirs.pk)
    generate = _url("cohort-sessions-generate", org, cohort_id=theirs.cohort_id)

    assert client.get(detail).status_code == 404
    assert client.patch(detail, {"venue": "Mine"}).status_code == 404
    assert client.get(attendance).status_code == 404
    marks = {"marks": [{"enrolment": enrolment.pk, "status": "present"}]}
    assert client.put(attendance, marks, format="json").status_code == 404
    assert client.post(attendance, marks, format="json").status_code == 404
    assert client.get(log).status_code == 404
    assert client.put(log, {"summary": "Mine"}).status_code == 404
    assert (
        client.post(
            generate, {"first_date": "2026-03-02", "weekdays": [0], "start_time": "16:00"}
        ).status_code
        == 404
    )
    with org_context(other_org.pk):
        theirs.refresh_from_db()
        assert theirs.venue == "Theirs"
        assert Session.objects.for_org(other_org).count() == 1
        assert not Attendance.objects.for_org(other_org).exists()
        assert not SessionLog.objects.for_org(other_org).exists()


def test_a_read_only_token_cannot_change_a_session(org, api_client):
    session = SessionFactory(organisation=org, venue="Hall")
    client = api_client(org, Role.COORDINATOR, read_only=True)
    url = _url("session-detail", org, session_id=session.pk)
    assert client.get(url).status_code == 200
    refused = [
        client.patch(url, {"venue": "Park"}),
        client.post(
            _url("cohort-sessions-generate", org, cohort_id=session.cohort_id),
            {"first_date": "2026-03-02", "weekdays": [0], "start_time": "16:00", "count": 1},
        ),
    ]
    assert {(r.status_code, r.json()["code"]) for r in refused} == {(403, "token_read_only")}
    with org_context(org.pk):
        assert list(Session.objects.for_org(org).values_list("venue", flat=True)) == ["Hall"]


# SECTION: attendance


def _attendance_setup(org, people, **session_fields):
    session = SessionFactory(organisation=org, **session_fields)
    enrolments = [EnrolmentFactory(organisation=org, cohort=session.cohort) for _ in range(people)]
    return session, enrolments


def test_the_attendance_list_shows_everyone_on_it_with_their_mark(org, api_client):
    session, (marked, unmarked) = _attendance_setup(org, 2)
    EnrolmentFactory(organisation=org, cohort=session.cohort, stage="waitlisted")  # not on it
    AttendanceFactory(organisation=org, session=session, enrolment=marked, status="late")

    for client in (api_client(org, Role.COORDINATOR), _trainer_of(org, api_client, session.cohort)):
        response = client.get(_url("session-attendance", org, session_id=session.pk))
        assert response.status_code == 200
        body = response.json()
        assert set(body) == SHEET_FIELDS
        assert all(set(mark) == MARK_FIELDS for mark in body["marks"])
        statuses = {mark["enrolment"]: mark["status"] for mark in body["marks"]}
        assert statuses == {marked.pk: "late", unmarked.pk: None}


def test_the_attendance_sheet_is_what_its_serializer_writes(org, api_client):
    # Regression guard: the sheet is written in one pass over plain values (AttendanceViewSet.
    # _sheet), not through AttendanceSheetSerializer, the schema's description. Built here
    # through the serializer from the model objects, the two must be the same JSON, keys in
    # the same order, for a read and for the answer to a save.
    with time_machine.travel(datetime(2026, 11, 22, 23, 30, tzinfo=UTC), tick=False):
        session, (late, unmarked, present) = _attendance_setup(
            org,
            3,
            starts_at=datetime(2026, 11, 22, 17, 0, tzinfo=CPH),
            ends_at=datetime(2026, 11, 22, 19, 0, tzinfo=CPH),
        )
        AttendanceFactory(organisation=org, session=session, enrolment=late, status="late")
        client = _trainer_of(org, api_client, session.cohort)
        url = _url("session-attendance", org, session_id=session.pk)

        read = client.get(url)
        assert read.status_code == 200
        assert read.content == _sheet_through_serializer(org, session)
        saved = client.put(
            url, {"marks": [{"enrolment": present.pk, "status": "present"}]}, format="json"
        )
        assert saved.status_code == 200
        assert saved.content == _sheet_through_serializer(org, session)
    assert [m["status"] for m in saved.json()["marks"] if m["enrolment"] == unmarked.pk] == [None]


def _sheet_through_serializer(org, session):
    with org_context(org.pk), timezone.override(CPH):
        session = Session.objects.for_org(org).get(pk=session.pk)  # a save marks it held
        marks = {a.enrolment_id: a for a in Attendance.objects.for_org(org).filter(session=session)}
        enrolments = (
            Enrolment.objects.for_org(org)
            .filter(cohort=session.cohort, stage__in=ATTENDING_STAGES)
            .select_related("participant")
            .order_by("participant__display_name", "participant__code")
        )
        rows = [
            {
                "enrolment": e.pk,
                "participant": e.participant_id,
                "display_name": e.participant.display_name,
                "code": e.participant.code,
                "status": marks[e.pk].status if e.pk in marks else None,
                "recorded_at": marks[e.pk].recorded_at if e.pk in marks else None,
            }
            for e in enrolments
        ]
        sheet = {"session": session.pk, "session_status": session.status, "marks": rows}
        return JSONRenderer().render(AttendanceSheetSerializer(sheet).data)


def test_attendance_is_saved_in_one_request_and_the_same_body_again_changes_nothing(
    org, api_client
):
    session, enrolments = _attendance_setup(org, 3)
    client = _trainer_of(org, api_client, session.cohort)
    url = _url("session-attendance", org, session_id=session.pk)
    body = {
        "marks": [
            {"enrolment": enrolments[0].pk, "status": "present"},
            {"enrolment": enrolments[1].pk, "status": "absent"},
        ]
    }

    first = client.put(url, body, format="json")
    after_first = _marks(org)
    again = client.put(url, body, format="json")  # a retry after a dropped connection

    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert first.json()["session_status"] == "held"
    assert {k: v[0] for k, v in after_first.items()} == {
        enrolments[0].pk: "present",
        enrolments[1].pk: "absent",
    }
    assert _marks(org) == after_first  # not even who recorded it, or when
    actions = _audit_actions(org)
    assert actions.count("attendance.saved") == 1
    assert actions.count("api.api-session-attendance") == 2


def test_a_changed_mark_is_saved_and_marks_not_sent_stay(org, api_client):
    session, (first, second) = _attendance_setup(org, 2)
    AttendanceFactory(organisation=org, session=session, enrolment=first, status="present")
    AttendanceFactory(organisation=org, session=session, enrolment=second, status="present")
    response = api_client(org, Role.COORDINATOR).put(
        _url("session-attendance", org, session_id=session.pk),
        {"marks": [{"enrolment": second.pk, "status": "excused"}]},
        format="json",
    )
    assert response.status_code == 200
    assert {k: v[0] for k, v in _marks(org).items()} == {
        first.pk: "present",
        second.pk: "excused",
    }


@pytest.mark.parametrize(
    ("when", "status", "code"),
    [("future", 409, "conflict"), ("cancelled", 409, "conflict")],
)
def test_attendance_for_a_later_day_or_a_cancelled_session_is_refused(
    org, api_client, when, status, code
):
    fields = (
        {"starts_at": timezone.now() + timedelta(days=3)}
        if when == "future"
        else {"status": "cancelled"}
    )
    session, (enrolment,) = _attendance_setup(org, 1, **fields)
    response = api_client(org, Role.COORDINATOR).put(
        _url("session-attendance", org, session_id=session.pk),
        {"marks": [{"enrolment": enrolment.pk, "status": "present"}]},
        format="json",
    )
    assert response.status_code == status
    assert response.json()["code"] == code
    assert _marks(org) == {}
    with org_context(org.pk):
        session.refresh_from_db()
    assert session.status == ("scheduled" if when == "future" else "cancelled")


def test_attendance_on_the_day_uses_the_organisations_date(org, api_client):
    # 23:30 in Copenhagen on 4 May is 21:30 UTC: "today" is the organisation's 4 May.
    with time_machine.travel(datetime(2026, 5, 4, 23, 30, tzinfo=CPH)):
        session, (enrolment,) = _attendance_setup(
            org, 1, starts_at=datetime(2026, 5, 4, 18, tzinfo=CPH)
        )
        response = api_client(org, Role.COORDINATOR).put(
            _url("session-attendance", org, session_id=session.pk),
            {"marks": [{"enrolment": enrolment.pk, "status": "present"}]},
            format="json",
        )
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("marks", "field"),
    [
        ([{"enrolment": "stranger", "status": "present"}], "marks"),  # not on the list
        ([{"enrolment": "first", "status": "teleported"}], "marks.0.status"),
        (
            [
                {"enrolment": "first", "status": "present"},
                {"enrolment": "first", "status": "absent"},
            ],
            "marks",
        ),
        ([{"enrolment": "first"}], "marks.0.status"),
        ([{"enrolment": "first", "status": "present", "note": "x"}], "marks.0.note"),
        ("everyone present", "marks"),
    ],
)
def test_bad_marks_are_refused_and_nothing_is_saved(org, api_client, marks, field):
    session, (first,) = _attendance_setup(org, 1)
    ids = {"first": first.pk, "stranger": EnrolmentFactory(organisation=org).pk}
    if isinstance(marks, list):
        marks = [{k: ids.get(v, v) for k, v in mark.items()} for mark in marks]

    response = api_client(org, Role.COORDINATOR).put(
        _url("session-attendance", org, session_id=session.pk), {"marks": marks}, format="json"
    )

    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert _marks(org) == {}


@pytest.mark.parametrize("method", ["get", "put"])
def test_attendance_queries_are_the_same_for_5_and_50_people(org, api_client, method):
    client = api_client(org, Role.COORDINATOR)
    client.get(_url("session-list", org))  # the token's first use is noted once

    def measure(people):
        session, enrolments = _attendance_setup(org, people)
        url = _url("session-attendance", org, session_id=session.pk)
        if method == "get":
            queries, response = count_queries(lambda: client.get(url))
        else:
            body = {"marks": [{"enrolment": e.pk, "status": "present"} for e in enrolments]}
            queries, response = count_queries(lambda: client.put(url, body, format="json"))
        assert response.status_code == 200
        assert len(response.json()["marks"]) == people
        return queries

    # get: token, membership, the session, the list with participants, the marks.
    # put: the same, plus the service's list, current marks, one upsert, its audit line, the
    # session marked held and the request's audit line: constant.
    assert measure(5) == measure(50)


def test_attendance_is_for_the_sessions_trainers_and_staff_only(org, api_client):
    session, (enrolment,) = _attendance_setup(org, 1)
    other_trainer = _trainer_of(org, api_client, CohortFactory(organisation=org))
    ambassador = api_client(org, Role.AMBASSADOR)
    url = _url("session-attendance", org, session_id=session.pk)
    body = {"marks": [{"enrolment": enrolment.pk, "status": "present"}]}

    assert other_trainer.get(url).status_code == 404
    assert other_trainer.put(url, body, format="json").status_code == 404
    # An ambassador sees no session at all: the same 404 as for a session that does not exist.
    assert ambassador.get(url).status_code == 404
    assert ambassador.put(url, body, format="json").status_code == 404
    assert ambassador.get(_url("session-list", org)).status_code == 403
    assert _marks(org) == {}


def test_a_read_only_token_cannot_take_attendance(org, api_client):
    session, (enrolment,) = _attendance_setup(org, 1)
    client = api_client(org, Role.COORDINATOR, read_only=True)
    url = _url("session-attendance", org, session_id=session.pk)
    assert client.get(url).status_code == 200
    response = client.put(
        url, {"marks": [{"enrolment": enrolment.pk, "status": "present"}]}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "token_read_only"
    assert _marks(org) == {}


# SECTION: session logs


@pytest.fixture
def log_people(org, api_client):
    """A session with the cohort's coordinator and two trainers; the author writes a log with a
    confidential note; others of the organisation look on."""
    author = api_client(org, Role.TRAINER)
    coordinator = api_client(org, Role.COORDINATOR)
    session = SessionFactory(organisation=org, cohort__coordinator=coordinator.membership.user)
    colleague = _trainer_of(org, api_client, session.cohort)
    CohortTrainerFactory(organisation=org, cohort=session.cohort, user=author.membership.user)
    activity = ActivityFactory(organisation=org, module__programme=session.cohort.programme)
    people = {
        "author": author,
        "coordinator": coordinator,
        "colleague": colleague,
        "other_coordinator": api_client(org, Role.COORDINATOR),
        "admin": api_client(org, Role.ADMIN),
    }
    return session, activity, people


def _authored_log(org, session, people, note, **fields):
    return SessionLogFactory(
        organisation=org,
        session=session,
        author=people["author"].membership.user,
        confidential_note=note,
        **fields,
    )


def test_a_trainer_writes_a_log_and_it_is_audited(org, log_people):
    session, activity, people = log_people
    url = _url("session-log", org, session_id=session.pk)

    created = people["author"].put(
        url,
        {
            "summary": "We mapped our neighbourhood.",
            "group_climate": 4,
            "activities": [activity.pk],
            "confidential_note": "Check in with J. about home.",
        },
        format="json",
    )
    updated = people["author"].put(
        url, {"summary": "Edited.", "confidential_note": "Check in with J."}, format="json"
    )

    assert created.status_code == 201
    assert set(created.json()) == LOG_FIELDS_WITH_NOTE
    assert created.json()["activities"] == [activity.pk]
    assert created.json()["author"]["id"] == people["author"].membership.user.pk
    assert updated.status_code == 200
    assert (updated.json()["summary"], updated.json()["activities"]) == ("Edited.", [])
    with org_context(org.pk):
        log = SessionLog.objects.for_org(org).get(session=session)
    assert log.confidential_note == "Check in with J."
    actions = _audit_actions(org)
    assert actions.count("api.api-session-log") == 2
    assert "session_log.created" in actions and "session_log.updated" in actions


def test_a_session_without_a_log_answers_an_empty_one_without_a_note(org, log_people):
    session, _activity, people = log_people
    response = people["colleague"].get(_url("session-log", org, session_id=session.pk))
    assert response.status_code == 200
    body = response.json()
    assert set(body) == LOG_FIELDS
    assert (body["author"], body["updated_at"], body["summary"]) == (None, None, "")


def test_the_confidential_note_key_is_only_for_the_author_and_the_cohorts_coordinator(
    org, log_people
):
    session, _activity, people = log_people
    _authored_log(org, session, people, "Check in with J. about home.")
    url = _url("session-log", org, session_id=session.pk)

    seen = {name: client.get(url) for name, client in people.items()}

    assert {name: r.status_code for name, r in seen.items()} == dict.fromkeys(people, 200)
    assert {name: set(r.json()) for name, r in seen.items()} == {
        "author": LOG_FIELDS_WITH_NOTE,
        "coordinator": LOG_FIELDS_WITH_NOTE,
        # Not even null: the key is absent, for another trainer of the same cohort, another
        # coordinator, and an admin who does not coordinate the cohort.
        "colleague": LOG_FIELDS,
        "other_coordinator": LOG_FIELDS,
        "admin": LOG_FIELDS,
    }
    assert seen["coordinator"].json()["confidential_note"] == "Check in with J. about home."
    for name in ("colleague", "other_coordinator", "admin"):
        assert "Check in with J." not in seen[name].content.decode()
    # Two readings of the note, by the two people who may read it.
    assert _audit_actions(org).count("session_log.note_viewed") == 2


def test_a_coordinator_moved_to_trainer_no_longer_receives_the_note(org, log_people):
    from cocora.organisations.services import membership_change_role

    session, _activity, people = log_people
    _authored_log(org, session, people, "For the coordinator")
    coordinator = people["coordinator"]
    CohortTrainerFactory(organisation=org, cohort=session.cohort, user=coordinator.membership.user)
    with org_context(org.pk):
        membership_change_role(
            organisation=org,
            membership_id=coordinator.membership.pk,
            role=Role.TRAINER,
            actor=people["admin"].membership.user,
        )
    body = coordinator.get(_url("session-log", org, session_id=session.pk)).json()
    assert set(body) == LOG_FIELDS


def test_only_the_author_writes_the_note_and_a_refusal_reveals_nothing(org, log_people):
    session, _activity, people = log_people
    _authored_log(org, session, people, "The secret", summary="Original")
    url = _url("session-log", org, session_id=session.pk)

    # A colleague who cannot read the note is refused whatever they send, the right guess too.
    for guess in ("A guess", "The secret"):
        response = people["colleague"].put(
            url, {"summary": "Colleague's", "confidential_note": guess}, format="json"
        )
        assert response.status_code == 400
        assert "confidential_note" in response.json()["errors"]
        assert "The secret" not in response.content.decode()
    # The coordinator reads it, so may send it back unchanged, but not change it.
    changed = people["coordinator"].put(
        url, {"summary": "Coordinator's", "confidential_note": "Rewritten"}, format="json"
    )
    assert changed.status_code == 400
    kept = people["coordinator"].put(
        url, {"summary": "Coordinator's", "confidential_note": "The secret"}, format="json"
    )
    assert kept.status_code == 200
    # Without the key, a colleague's save keeps the note they cannot see.
    saved = people["colleague"].put(url, {"summary": "Colleague's"}, format="json")
    assert saved.status_code == 200
    assert "confidential_note" not in saved.json()
    with org_context(org.pk):
        log = SessionLog.objects.for_org(org).get(session=session)
    assert (log.summary, log.confidential_note) == ("Colleague's", "The secret")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"group_climate": 6}, "group_climate"),
        ({"activities": ["elsewhere"]}, "activities"),
        ({"activities": ["foreign"]}, "activities"),
        ({"summary": "Fine", "mood": "good"}, "mood"),
    ],
)
def test_a_bad_log_is_refused_and_nothing_is_written(org, other_org, log_people, body, field):
    session, _activity, people = log_people
    ids = {
        "elsewhere": ActivityFactory(organisation=org).pk,
        "foreign": ActivityFactory(organisation=other_org).pk,
    }
    if "activities" in body:
        body = {"activities": [ids[v] for v in body["activities"]]}
    response = people["author"].put(
        _url("session-log", org, session_id=session.pk), body, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()["errors"]
    with org_context(org.pk):
        assert not SessionLog.objects.for_org(org).exists()


def test_an_empty_log_is_refused_and_no_row_is_made(org, log_people):
    # Regression: an empty body was saved as a log.
    session, activity, people = log_people
    url = _url("session-log", org, session_id=session.pk)
    for body in ({}, {"summary": " ", "activities": [activity.pk]}):
        response = people["author"].put(url, body, format="json")
        assert response.status_code == 400
        assert response.json()["message"].startswith("This log is empty")
    with org_context(org.pk):
        assert not SessionLog.objects.for_org(org).exists()


def test_a_safe_space_log_refuses_a_confidential_note(org, api_client):
    session = SessionFactory(organisation=org, cohort__safe_space=True)
    trainer = _trainer_of(org, api_client, session.cohort)
    url = _url("session-log", org, session_id=session.pk)

    refused = trainer.put(url, {"summary": "Good talk", "confidential_note": "Ali said"})
    saved = trainer.put(url, {"summary": "Good talk"})

    assert refused.status_code == 400
    assert "confidential_note" in refused.json()["errors"]
    assert saved.status_code == 201
    assert saved.json()["safe_space"] is True
    with org_context(org.pk):
        log = SessionLog.objects.for_org(org).get(session=session)
    assert (log.summary, log.confidential_note) == ("Good talk", "")


def test_logs_are_for_the_sessions_trainers_and_staff_only(org, api_client):
    session = SessionFactory(organisation=org)
    other_trainer = _trainer_of(org, api_client, CohortFactory(organisation=org))
    ambassador = api_client(org, Role.AMBASSADOR)
    url = _url("session-log", org, session_id=session.pk)

    assert other_trainer.get(url).status_code == 404
    assert other_trainer.put(url, {"summary": "Mine"}).status_code == 404
    assert ambassador.get(url).status_code == 404
    assert ambassador.put(url, {"summary": "Mine"}).status_code == 404
    with org_context(org.pk):
        assert not SessionLog.objects.for_org(org).exists()


def test_a_read_only_token_cannot_write_a_log(org, api_client):
    session = SessionFactory(organisation=org)
    MembershipFactory(organisation=org, role=Role.ADMIN)
    client = api_client(org, Role.COORDINATOR, read_only=True)
    url = _url("session-log", org, session_id=session.pk)
    assert client.get(url).status_code == 200
    response = client.put(url, {"summary": "Mine"})
    assert response.status_code == 403
    assert response.json()["code"] == "token_read_only"
    with org_context(org.pk):
        assert not SessionLog.objects.for_org(org).exists()


def test_the_api_names_a_deleted_author_a_former_member_and_keeps_the_note(org, log_people):
    """Regression: the next writer became the author of a deleted account's log and blanked
    its note."""
    session, _activity, people = log_people
    _authored_log(org, session, people, "Check in with J. about home.")
    url = _url("session-log", org, session_id=session.pk)
    with org_context(org.pk):
        # What deleting the account does to the log (SET_NULL); see the page test.
        SessionLog.objects.for_org(org).filter(session=session).update(author=None)

    saved = people["colleague"].put(url, {"summary": "Edited."}, format="json")
    read = people["coordinator"].get(url)

    assert saved.status_code == 200 and saved.json()["author"] is None
    assert read.json()["author"] is None
    assert read.json()["confidential_note"] == "Check in with J. about home."
