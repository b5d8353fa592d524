"""Sessions from a rule, attendance, session logs and the cohort page."""

import zoneinfo
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cocora.core.dates import organisation_today
from cocora.core.errors import ApplicationError
from cocora.organisations.context import org_context
from cocora.organisations.models import Role
from cocora.organisations.tests.factories import MembershipFactory
from cocora.testing.queries import count_queries, tenant_settings_queries
from programmes.models import Attendance, Session, SessionLog
from programmes.selectors.cohorts import cohort_overview
from programmes.selectors.dashboard import absence_flags
from programmes.services.sessions import SessionRule, sessions_generate
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


def _rule(**overrides):
    values = {
        "first_date": date(2026, 3, 2),  # a Monday
        "weekdays": (0,),
        "start_time": time(16, 0),
        "duration_minutes": 120,
        "count": 10,
    }
    values.update(overrides)
    return SessionRule(**values)


def test_weekly_rule_makes_ten_sessions_at_local_time_across_daylight_saving(org):
    cohort = CohortFactory(organisation=org, starts_on=date(2026, 3, 1))
    modules = [ModuleFactory(organisation=org, programme=cohort.programme) for _ in range(3)]
    with org_context(org.pk):
        sessions = sessions_generate(organisation=org, cohort=cohort, rule=_rule())
    assert len(sessions) == 10
    local = [s.starts_at.astimezone(CPH) for s in sessions]
    # Summer time starts on 29 March 2026; the local start stays 16:00 on both sides.
    assert {(t.hour, t.minute) for t in local} == {(16, 0)}
    assert local[0].utcoffset() != local[-1].utcoffset()
    assert [s.module_id for s in sessions[:4]] == [m.pk for m in modules] + [None]


def test_every_second_week_on_two_weekdays_until_a_date(org):
    rule = _rule(weekdays=(1, 3), every_n_weeks=2, count=None, until=date(2026, 3, 31))
    assert rule.dates() == [
        date(2026, 3, 3),
        date(2026, 3, 5),
        date(2026, 3, 17),
        date(2026, 3, 19),
        date(2026, 3, 31),
    ]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"weekdays": ()}, "weekday"),
        # Regression: neither a count nor an end date was answered with "…not both".
        ({"count": None}, r"^Give either a number of sessions or an end date\.$"),
        ({"count": 5, "until": date(2026, 4, 1)}, "or an end date, not both"),
        ({"count": None, "until": date(2026, 1, 1)}, "before the first date"),
        ({"count": 500}, "between 1 and"),
        ({"duration_minutes": 0}, "lasts between"),
    ],
)
def test_bad_rules_are_refused_with_a_reason(overrides, message):
    with pytest.raises(ApplicationError, match=message):
        _rule(**overrides).dates()


def test_scheduling_page_refuses_a_bad_rule_and_creates_nothing(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    cohort = CohortFactory(organisation=org)
    response = client.post(
        reverse("sessions_generate", args=[org.slug, cohort.pk]),
        {
            "first_date": "2026-03-02",
            "weekdays": ["0"],
            "every_n_weeks": "1",
            "start_time": "16:00",
            "duration_minutes": "90",
        },
    )
    assert response.status_code == 400
    assert b"Give either a number of sessions or an end date." in response.content
    assert b"not both" not in response.content
    with org_context(org.pk):
        assert not Session.objects.for_org(org).exists()


def test_a_session_that_ends_before_it_starts_is_refused(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    session = SessionFactory(organisation=org)
    response = client.post(
        reverse("session_edit", args=[org.slug, session.pk]),
        {"starts_at": "2026-05-04T18:00", "ends_at": "2026-05-04T17:00", "venue": "Hall"},
    )
    assert response.status_code == 400
    assert b"ends before it starts" in response.content


def test_moving_a_session_reads_the_time_in_the_organisation_time_zone(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    session = SessionFactory(organisation=org)
    client.post(
        reverse("session_edit", args=[org.slug, session.pk]),
        {"starts_at": "2026-05-04T18:00", "ends_at": "2026-05-04T20:00", "venue": "Hall"},
    )
    with org_context(org.pk):
        session.refresh_from_db()
    assert session.starts_at == datetime(2026, 5, 4, 18, 0, tzinfo=CPH)


def _attendance_setup(org, people):
    session = SessionFactory(organisation=org)
    enrolments = [EnrolmentFactory(organisation=org, cohort=session.cohort) for _ in range(people)]
    return session, enrolments


def test_the_attendance_page_says_whether_the_session_log_was_written(org, member_client):
    client = member_client(org, Role.TRAINER)
    session, _people = _attendance_setup(org, 2)
    CohortTrainerFactory(organisation=org, cohort=session.cohort, user=client.membership.user)
    other = SessionFactory(organisation=org, cohort=session.cohort)
    SessionLogFactory(organisation=org, session=other)  # another session's log
    url = reverse("session_detail", args=[org.slug, session.pk])

    assert "Write the session log" in client.get(url).content.decode()
    SessionLogFactory(organisation=org, session=session)
    page = client.get(url).content.decode()
    assert "Edit the session log" in page and "Write the session log" not in page


def test_attendance_save_is_idempotent(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    session, enrolments = _attendance_setup(org, 3)
    url = reverse("session_detail", args=[org.slug, session.pk])
    data = {f"status_{e.pk}": "present" for e in enrolments}

    first = client.post(url, data)
    again = client.post(url, data)  # a double tap, or a retry after a dropped connection

    assert first.status_code == again.status_code == 302
    with org_context(org.pk):
        assert Attendance.objects.for_org(org).count() == 3
        assert Session.objects.get(pk=session.pk).status == "held"


def test_one_tap_with_htmx_saves_that_person_and_says_so(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    session, enrolments = _attendance_setup(org, 2)
    response = client.post(
        reverse("session_detail", args=[org.slug, session.pk]),
        {f"status_{enrolments[0].pk}": "late"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert b"Saved" in response.content
    with org_context(org.pk):
        assert dict(Attendance.objects.for_org(org).values_list("enrolment_id", "status")) == {
            enrolments[0].pk: "late"
        }


def test_mark_all_present(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    session, _enrolments = _attendance_setup(org, 4)
    client.post(reverse("session_detail", args=[org.slug, session.pk]), {"mark_all_present": "1"})
    with org_context(org.pk):
        assert set(Attendance.objects.for_org(org).values_list("status", flat=True)) == {"present"}
        assert Attendance.objects.for_org(org).count() == 4


def test_a_status_that_does_not_exist_changes_nothing(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    session, enrolments = _attendance_setup(org, 2)
    response = client.post(
        reverse("session_detail", args=[org.slug, session.pk]),
        {f"status_{enrolments[0].pk}": "present", f"status_{enrolments[1].pk}": "teleported"},
        follow=True,
    )
    assert b"Choose present, late, excused or absent" in response.content
    with org_context(org.pk):
        assert not Attendance.objects.for_org(org).exists()


@pytest.mark.parametrize("action", ["load", "save"])
def test_attendance_query_count_is_the_same_for_5_and_50_people(org, member_client, action):
    client = member_client(org, Role.COORDINATOR)

    def measure(people):
        session, enrolments = _attendance_setup(org, people)
        url = reverse("session_detail", args=[org.slug, session.pk])
        if action == "load":
            count, response = count_queries(lambda: client.get(url))
            assert response.status_code == 200
        else:
            data = {f"status_{e.pk}": "present" for e in enrolments}
            count, response = count_queries(lambda: client.post(url, data))
            assert response.status_code == 302
        return count

    # load: session, user, the member's memberships with their organisations (the switcher too),
    # session with cohort, module and whether its log was written, enrolments with participants
    # and their marks, trainers' clashes, the cohort's open questionnaire rounds (the
    # evaluation's panel) = 7.
    # save: session, user, the member's memberships, session with cohort, enrolments (read once,
    # by the view, and handed to the service), current marks, one upsert, session status,
    # message storage... = constant.
    five, fifty = measure(5), measure(50)
    assert five == fifty
    if action == "load":
        assert five == 7 + 2 * tenant_settings_queries()


def test_saving_attendance_reads_the_list_of_people_once(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    session, enrolments = _attendance_setup(org, 6)
    url = reverse("session_detail", args=[org.slug, session.pk])

    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, {f"status_{e.pk}": "late" for e in enrolments})

    assert response.status_code == 302
    list_reads = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith("SELECT") and 'FROM "programmes_enrolment"' in q["sql"]
    ]
    assert len(list_reads) == 1
    with org_context(org.pk):
        assert set(Attendance.objects.for_org(org).values_list("status", flat=True)) == {"late"}


def test_trainer_takes_attendance_only_in_assigned_cohorts(org, member_client):
    client = member_client(org, Role.TRAINER)
    mine, theirs = SessionFactory(organisation=org), SessionFactory(organisation=org)
    CohortTrainerFactory(organisation=org, cohort=mine.cohort, user=client.membership.user)
    EnrolmentFactory(organisation=org, cohort=mine.cohort)

    assert client.get(reverse("session_detail", args=[org.slug, mine.pk])).status_code == 200
    assert client.get(reverse("session_detail", args=[org.slug, theirs.pk])).status_code == 404
    assert (
        client.get(reverse("cohort_detail", args=[org.slug, theirs.cohort_id])).status_code == 404
    )
    listed = client.get(reverse("cohort_list", args=[org.slug])).context["cohorts"]
    assert [c.pk for c in listed] == [mine.cohort_id]


def test_progress_counts_from_the_day_someone_joined_and_excused_breaks_a_streak(org):
    # Sessions at noon where the organisation is: their days are the same in any time zone the
    # pages are read in (the suite also runs just after midnight in Copenhagen).
    first_day = organisation_today(org) - timedelta(days=40)
    cohort = CohortFactory(
        organisation=org,
        starts_on=first_day - timedelta(days=7),
        ends_on=organisation_today(org) + timedelta(days=30),
    )
    start = datetime.combine(first_day, time(12), tzinfo=zoneinfo.ZoneInfo(org.time_zone))
    late_joiner = EnrolmentFactory(
        organisation=org, cohort=cohort, joined_on=first_day + timedelta(days=2)
    )
    early = EnrolmentFactory(
        organisation=org, cohort=cohort, joined_on=first_day - timedelta(days=1)
    )
    # Came once before joining (a mark that counts for nothing), then missed all three since.
    returner = EnrolmentFactory(
        organisation=org, cohort=cohort, joined_on=first_day + timedelta(days=3)
    )
    # Six held sessions a day apart. The late joiner missed the first two (before joining:
    # not counted, even though one was marked), was excused at the third, came to the fourth,
    # then missed two. The early one came, was excused, then missed four.
    marks = {
        late_joiner: ["absent", "present", "excused", "late", None, "absent"],
        early: ["present", "excused", "absent", None, "absent", None],
        returner: ["present", None, None, "absent", None, "absent"],
    }
    for day in range(6):
        session = SessionFactory(
            organisation=org, cohort=cohort, status="held", starts_at=start + timedelta(days=day)
        )
        for enrolment, statuses in marks.items():
            if statuses[day]:
                AttendanceFactory(
                    organisation=org, session=session, enrolment=enrolment, status=statuses[day]
                )

    with org_context(org.pk):
        progress = {
            p.enrolment.pk: p
            for p in cohort_overview(organisation=org, cohort=cohort, viewer=None).progress
        }
    joiner, first, back = progress[late_joiner.pk], progress[early.pk], progress[returner.pk]
    assert (joiner.held, joiner.attended, joiner.excused, joiner.consecutive_missed) == (4, 1, 1, 2)
    assert (first.held, first.attended, first.excused, first.consecutive_missed) == (6, 1, 1, 4)
    assert (back.held, back.attended, back.excused, back.consecutive_missed) == (3, 0, 0, 3)
    assert first.needs_check_in and back.needs_check_in and not joiner.needs_check_in

    # The home page's flags agree, read from when each person last came alone.
    coordinator = MembershipFactory(organisation=org, role=Role.COORDINATOR)
    with org_context(org.pk):
        flags = absence_flags(
            organisation=org, membership=coordinator, today=organisation_today(org)
        )
    assert sorted((f.enrolment_id, f.consecutive_missed) for f in flags) == sorted(
        [(early.pk, 4), (returner.pk, 3)]
    )


def test_cancelled_sessions_leave_the_attendance_rate_and_absences_are_flagged(org):
    cohort = CohortFactory(organisation=org)
    enrolment = EnrolmentFactory(organisation=org, cohort=cohort)
    start = timezone.now() - timedelta(days=30)
    statuses = ["present", "present", "absent", None, "absent"]
    for index, status in enumerate(statuses):
        session = SessionFactory(
            organisation=org, cohort=cohort, status="held", starts_at=start + timedelta(days=index)
        )
        if status:
            AttendanceFactory(organisation=org, session=session, enrolment=enrolment, status=status)
    SessionFactory(organisation=org, cohort=cohort, status="cancelled", starts_at=start)

    with org_context(org.pk):
        (progress,) = cohort_overview(organisation=org, cohort=cohort, viewer=None).progress
    assert (progress.attended, progress.held) == (2, 5)
    assert progress.rate_percent == 40
    assert progress.consecutive_missed == 3 and progress.needs_check_in


def test_cohort_page_query_count_is_the_same_for_5_and_50_people(org, member_client):
    client = member_client(org, Role.COORDINATOR)

    def measure(people):
        cohort = CohortFactory(organisation=org, programme__kind="prevention")
        trainer = MembershipFactory(organisation=org, role=Role.TRAINER)
        CohortTrainerFactory(organisation=org, cohort=cohort, user=trainer.user)
        sessions = [
            SessionFactory(organisation=org, cohort=cohort, status="held") for _ in range(3)
        ]
        for _ in range(people):
            enrolment = EnrolmentFactory(organisation=org, cohort=cohort)
            AttendanceFactory(organisation=org, session=sessions[0], enrolment=enrolment)
        url = reverse("cohort_detail", args=[org.slug, cohort.pk])
        count, response = count_queries(lambda: client.get(url))
        assert response.status_code == 200
        assert len(response.context["people"].items) == min(people, 25)
        return count

    # session, user, the member's memberships with their organisations (the switcher too), cohort,
    # sessions (with the chart's marks), people counted by stage, trainers, trainers' clashes, one
    # page of people, their attendance totals (grouped), the panels of apps built on programmes (the
    # training app: courses required of trainers, none here) = 11 (+2 tenant settings on
    # PostgreSQL). With a required course, training's tests count its second query.
    assert measure(5) == measure(50) == 11 + 2 * tenant_settings_queries()


def test_safe_space_log_has_no_per_person_field_and_refuses_one(org, member_client):
    client = member_client(org, Role.TRAINER)
    session = SessionFactory(organisation=org, cohort__safe_space=True)
    CohortTrainerFactory(organisation=org, cohort=session.cohort, user=client.membership.user)
    url = reverse("session_log", args=[org.slug, session.pk])

    page = client.get(url)
    assert b'name="confidential_note"' not in page.content
    assert b"safe-space cohort" in page.content

    client.post(url, {"summary": "Good talk", "confidential_note": "Ali said ..."})
    with org_context(org.pk):
        log = SessionLog.objects.for_org(org).get(session=session)
    assert log.summary == "Good talk" and log.confidential_note == ""


def test_an_empty_log_is_refused_and_nothing_is_written(org, member_client):
    # Regression: a log with nothing in it was saved, and the session then read "log written".
    client = member_client(org, Role.TRAINER)
    session = SessionFactory(organisation=org)
    CohortTrainerFactory(organisation=org, cohort=session.cohort, user=client.membership.user)
    activity = ActivityFactory(organisation=org, module__programme=session.cohort.programme)
    url = reverse("session_log", args=[org.slug, session.pk])

    response = client.post(url, {"summary": "   ", "activities": [activity.pk]})

    assert response.status_code == 400
    assert "This log is empty: write what happened" in response.content.decode()
    with org_context(org.pk):
        assert not SessionLog.objects.for_org(org).exists()
    assert client.post(url, {"group_climate": "3"}).status_code == 302


def _note_people(org, member_client):
    """A session, its cohort's coordinator, and two of its trainers: the author and a colleague."""
    author = member_client(org, Role.TRAINER)
    coordinator = member_client(org, Role.COORDINATOR)
    colleague = member_client(org, Role.TRAINER)
    session = SessionFactory(organisation=org, cohort__coordinator=coordinator.membership.user)
    for client in (author, colleague):
        CohortTrainerFactory(organisation=org, cohort=session.cohort, user=client.membership.user)
    return session, author, coordinator, colleague


def test_confidential_note_is_for_the_author_and_the_coordinator_only(org, member_client):
    session, author, coordinator, colleague = _note_people(org, member_client)
    activity = ActivityFactory(organisation=org, module__programme=session.cohort.programme)
    url = reverse("session_log", args=[org.slug, session.pk])

    response = author.post(
        url,
        {
            "summary": "We mapped our neighbourhood.",
            "group_climate": "4",
            "activities": [activity.pk],
            "confidential_note": "Check in with J. about home.",
        },
    )
    assert response.status_code == 302

    assert b"Check in with J." in author.get(url).content
    assert b"Check in with J." in coordinator.get(url).content
    colleague_page = colleague.get(url)
    assert b"Check in with J." not in colleague_page.content
    assert b"We mapped our neighbourhood." in colleague_page.content
    # A colleague saving the log keeps the note they cannot see.
    colleague.post(url, {"summary": "Edited by a colleague"})
    with org_context(org.pk):
        log = SessionLog.objects.for_org(org).get(session=session)
        assert log.confidential_note == "Check in with J. about home."
        assert list(log.covered.values_list("activity_id", flat=True)) == []


def test_trainer_home_shows_todays_sessions(org, member_client):
    import time_machine

    client = member_client(org, Role.TRAINER)
    with time_machine.travel(datetime(2026, 5, 6, 9, 0, tzinfo=CPH)):
        session = SessionFactory(
            organisation=org,
            starts_at=datetime(2026, 5, 6, 17, 30, tzinfo=CPH),
            cohort__name="Wednesday group",
        )
        CohortTrainerFactory(organisation=org, cohort=session.cohort, user=client.membership.user)
        home = client.get(reverse("org_home", args=[org.slug])).content.decode()
    assert "Today" in home and "Wednesday group" in home and "17:30" in home
    assert reverse("session_detail", args=[org.slug, session.pk]) in home


def test_a_coordinator_moved_to_trainer_no_longer_reads_notes_through_the_old_cohort(
    org, member_client
):
    """Regression: the cohort's coordinator field kept granting the confidential note and the
    cohort's sessions after the person's role changed."""
    from cocora.organisations.services import membership_change_role
    from programmes.selectors.sessions import sessions_for_user

    author = member_client(org, Role.TRAINER)
    former = member_client(org, Role.COORDINATOR)
    member_client(org, Role.ADMIN)  # someone else stays admin
    session = SessionFactory(organisation=org, cohort__coordinator=former.membership.user)
    CohortTrainerFactory(organisation=org, cohort=session.cohort, user=author.membership.user)
    CohortTrainerFactory(organisation=org, cohort=session.cohort, user=former.membership.user)
    SessionLogFactory(
        organisation=org,
        session=session,
        author=author.membership.user,
        confidential_note="Only for the coordinator",
    )
    other = SessionFactory(organisation=org, cohort__coordinator=former.membership.user)
    url = reverse("session_log", args=[org.slug, session.pk])
    assert b"Only for the coordinator" in former.get(url).content

    with org_context(org.pk):
        membership_change_role(
            organisation=org,
            membership_id=former.membership.pk,
            role=Role.TRAINER,
            actor=author.membership.user,
        )
    assert b"Only for the coordinator" not in former.get(url).content
    with org_context(org.pk):
        visible = sessions_for_user(
            organisation=org,
            user=former.membership.user,
            starts_after=timezone.now() - timedelta(days=1),
            starts_before=timezone.now() + timedelta(days=1),
        )
        assert {s.pk for s in visible} == {session.pk}
        assert other.pk not in {s.pk for s in visible}


def test_changing_a_cohorts_coordinator_is_audited_and_needs_a_coordinating_role(
    org, member_client
):
    from cocora.audit.models import AuditEvent

    coordinator = member_client(org, Role.COORDINATOR)
    trainer = member_client(org, Role.TRAINER)
    cohort = CohortFactory(organisation=org)
    url = reverse("cohort_edit", args=[org.slug, cohort.pk])
    data = {
        "name": cohort.name,
        "starts_on": cohort.starts_on.isoformat(),
        "capacity": "15",
        "coordinator": str(coordinator.membership.user.pk),
    }
    assert coordinator.post(url, data).status_code == 302
    refused = coordinator.post(url, {**data, "coordinator": str(trainer.membership.user.pk)})
    assert refused.status_code == 400
    with org_context(org.pk):
        events = list(AuditEvent.objects.for_org(org).filter(action="cohort.coordinator_changed"))
        cohort.refresh_from_db()
    assert len(events) == 1 and events[0].details["to"] == coordinator.membership.user.pk
    assert cohort.coordinator_id == coordinator.membership.user.pk


def test_mark_all_present_keeps_the_marks_already_made(org, member_client):
    """Regression: 'Mark all present' overwrote a 'late' and an 'absent' made before."""
    client = member_client(org, Role.COORDINATOR)
    session, (late, absent, unmarked) = _attendance_setup(org, 3)
    url = reverse("session_detail", args=[org.slug, session.pk])
    client.post(url, {f"status_{late.pk}": "late"})
    client.post(url, {f"status_{absent.pk}": "absent", "mark_all_present": "1"})
    with org_context(org.pk):
        marks = dict(Attendance.objects.for_org(org).values_list("enrolment_id", "status"))
    assert marks == {late.pk: "late", absent.pk: "absent", unmarked.pk: "present"}


def test_mark_all_present_says_that_other_marks_stay(org, member_client):
    # Regression: the button and its confirmation let people think that it overrode an absence.
    client = member_client(org, Role.COORDINATOR)
    session, (late, absent, _unmarked) = _attendance_setup(org, 3)
    url = reverse("session_detail", args=[org.slug, session.pk])
    page = client.get(url).content.decode()
    assert 'aria-describedby="mark-all-help"' in page
    assert "People already marked absent, late or excused stay as they are." in page
    client.post(url, {f"status_{late.pk}": "late"})
    done = client.post(
        url, {f"status_{absent.pk}": "absent", "mark_all_present": "1"}, follow=True
    ).content.decode()
    assert (
        "Attendance saved for 2 people. 2 people already marked absent, late or excused stay "
        "as marked." in done
    )


def test_attendance_cannot_be_taken_for_a_session_on_a_later_day(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    session = SessionFactory(organisation=org, starts_at=timezone.now() + timedelta(days=3))
    enrolment = EnrolmentFactory(organisation=org, cohort=session.cohort)
    response = client.post(
        reverse("session_detail", args=[org.slug, session.pk]),
        {f"status_{enrolment.pk}": "present"},
        follow=True,
    )
    assert b"has not happened yet" in response.content
    with org_context(org.pk):
        assert not Attendance.objects.for_org(org).exists()
        assert Session.objects.get(pk=session.pk).status == "scheduled"


def test_a_reinstated_session_that_was_held_counts_as_held_again(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    session, enrolments = _attendance_setup(org, 1)
    client.post(
        reverse("session_detail", args=[org.slug, session.pk]),
        {f"status_{enrolments[0].pk}": "present"},
    )
    url = reverse("session_status", args=[org.slug, session.pk])
    assert b"Cancel the session" in client.get(url).content  # a confirmation comes first
    client.post(url, {"status": "cancelled"})
    client.post(url, {"status": "scheduled"})
    with org_context(org.pk):
        assert Session.objects.get(pk=session.pk).status == "held"


def test_sessions_after_the_cohorts_end_are_refused(org):
    cohort = CohortFactory(organisation=org, starts_on=date(2026, 3, 1), ends_on=date(2026, 3, 20))
    with org_context(org.pk), pytest.raises(ApplicationError, match="after the cohort ends"):
        sessions_generate(organisation=org, cohort=cohort, rule=_rule(count=10))
    with org_context(org.pk):
        assert not Session.objects.for_org(org).exists()


@pytest.mark.parametrize(
    ("starts", "ends", "message"),
    [
        ("0001-01-01T00:00", "0001-01-01T01:00", b"Choose a date between 2000 and 2100"),
        ("2026-05-04T18:00", "2026-05-14T18:00", b"at most 12 hours"),
    ],
)
def test_implausible_session_times_are_form_errors(org, member_client, starts, ends, message):
    client = member_client(org, Role.COORDINATOR)
    session = SessionFactory(organisation=org)
    response = client.post(
        reverse("session_edit", args=[org.slug, session.pk]), {"starts_at": starts, "ends_at": ends}
    )
    assert response.status_code == 400
    assert message in response.content


def test_oversized_ids_in_filters_and_forms_are_ignored_not_errors(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    cohort = CohortFactory(organisation=org)
    huge = "9" * 25
    assert (
        client.get(reverse("participant_list", args=[org.slug]), {"cohort": huge}).status_code
        == 200
    )
    response = client.post(
        reverse("cohort_enrol", args=[org.slug, cohort.pk]), {"participant": [huge]}, follow=True
    )
    assert response.status_code == 200
    assert b"Choose at least one person" in response.content


def _as_if_account_deleted(org, user):
    """What deleting an account does to its logs (`on_delete=SET_NULL`). The runtime role may not
    delete users (audit lines keep their actor), so an operator does it as the owner."""
    SessionLog.objects.for_org(org).filter(author=user).update(author=None)


def _note_log(org, member_client):
    session, author, coordinator, colleague = _note_people(org, member_client)
    SessionLogFactory(
        organisation=org,
        session=session,
        author=author.membership.user,
        summary="We mapped our neighbourhood.",
        confidential_note="Check in with J. about home.",
    )
    return session, author, coordinator, colleague


@pytest.mark.parametrize("how", ["account_deleted", "member_removed"])
def test_a_note_outlives_its_author_and_the_next_writer_cannot_blank_it(org, member_client, how):
    """Regression: once the author's account was deleted, the next person to save the log
    became its author and their form (which never showed the note) saved it empty."""
    from cocora.organisations.services import membership_remove

    session, author, coordinator, colleague = _note_log(org, member_client)
    url = reverse("session_log", args=[org.slug, session.pk])
    with org_context(org.pk):
        membership_remove(
            organisation=org, membership_id=author.membership.pk, actor=coordinator.membership.user
        )
        if how == "account_deleted":
            _as_if_account_deleted(org, author.membership.user)

    # The colleague (who cannot read the note) saves the log, then tries to write a note.
    assert colleague.post(url, {"summary": "Edited by a colleague"}).status_code == 302
    refused = colleague.post(url, {"summary": "Again", "confidential_note": "Mine now"})
    # The coordinator, who reads it, saves the log with an empty note field.
    coordinator.post(url, {"summary": "Edited by the coordinator", "confidential_note": ""})

    assert refused.status_code == 400
    assert "Only the author of this log can write its confidential note." in (
        refused.content.decode()
    )
    with org_context(org.pk):
        log = SessionLog.objects.for_org(org).get(session=session)
    assert log.confidential_note == "Check in with J. about home."
    assert log.summary == "Edited by the coordinator"
    assert log.author_id == (None if how == "account_deleted" else author.membership.user.pk)
    page = coordinator.get(url).content.decode()
    assert "Check in with J. about home." in page
    assert "Written by a former member" in page
    assert str(author.membership.user) not in page
