"""Each output metric against figures counted by hand, the period read in the organisation's
time zone, and one query per metric and four windows whatever the data."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from ambassadors.tests.factories import AmbassadorFactory, OutreachTaskFactory
from cocora.organisations.context import org_context
from cocora.testing.queries import count_queries
from impact.metrics import METRICS, Window, measure
from partners.tests.factories import CollaborationActivityFactory
from programmes.models import Enrolment
from programmes.tests.factories import (
    AttendanceFactory,
    CohortFactory,
    EnrolmentFactory,
    ProgrammeFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db

CPH = ZoneInfo("Europe/Copenhagen")
MARCH = (date(2026, 3, 1), date(2026, 3, 31))


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=CPH)


@pytest.fixture
def recorded(org):
    """March 2026 of one programme, with noise around it (another programme, February, April,
    sessions not held). Counted by hand in the comments."""
    programme = ProgrammeFactory(organisation=org)
    other = ProgrammeFactory(organisation=org)
    cohort = CohortFactory(organisation=org, programme=programme)
    other_cohort = CohortFactory(organisation=org, programme=other)

    # Sessions held in March: the 2nd and the 31st at 23:30 (still March in Copenhagen, though
    # 21:30 UTC). Not counted: 1 April at 00:30 local (31 March in UTC), a scheduled and a
    # cancelled one, and another programme's.
    s1 = SessionFactory(
        organisation=org, cohort=cohort, starts_at=local(2026, 3, 2, 10), status="held"
    )
    s2 = SessionFactory(
        organisation=org, cohort=cohort, starts_at=local(2026, 3, 31, 23, 30), status="held"
    )
    s3 = SessionFactory(
        organisation=org, cohort=cohort, starts_at=local(2026, 4, 1, 0, 30), status="held"
    )
    SessionFactory(
        organisation=org, cohort=cohort, starts_at=local(2026, 3, 10, 10), status="scheduled"
    )
    SessionFactory(
        organisation=org, cohort=cohort, starts_at=local(2026, 3, 11, 10), status="cancelled"
    )
    SessionFactory(
        organisation=org, cohort=other_cohort, starts_at=local(2026, 3, 12, 10), status="held"
    )

    # Attendance: s1 present, late, absent; s2 absent, excused (left out), present: 3 attended
    # of 5 marks = 60.0 %, over 3 people. s3 (April) does not count.
    e1, e2, e3 = (EnrolmentFactory(organisation=org, cohort=cohort) for _ in range(3))
    for session, marks in (
        (s1, ("present", "late", "absent")),
        (s2, ("absent", "excused", "present")),
    ):
        for enrolment, status in zip((e1, e2, e3), marks, strict=True):
            AttendanceFactory(organisation=org, session=session, enrolment=enrolment, status=status)
    AttendanceFactory(organisation=org, session=s3, enrolment=e1, status="present")

    # Completions: one in March; one in February and one still active do not count.
    done = EnrolmentFactory(organisation=org, cohort=cohort, stage="completed")
    early = EnrolmentFactory(organisation=org, cohort=cohort, stage="completed")
    with org_context(org.pk):
        Enrolment.objects.filter(pk=done.pk).update(stage_changed_at=local(2026, 3, 15, 12))
        Enrolment.objects.filter(pk=early.pk).update(stage_changed_at=local(2026, 2, 27, 12))

    # Peers reached by ambassadors trained in the programme: 4 + 3 in March; a task in
    # progress and one done in April do not count.
    ambassador = AmbassadorFactory(organisation=org, cohort=cohort)
    for status, day, peers in (
        ("done", date(2026, 3, 5), 4),
        ("reviewed", date(2026, 3, 20), 3),
        ("in_progress", None, 10),
        ("done", date(2026, 4, 2), 5),
    ):
        OutreachTaskFactory(
            organisation=org,
            ambassador=ambassador,
            status=status,
            completed_on=day,
            peers_reached=peers,
        )

    # Activities with partners for the programme: two in March; February's and another
    # programme's do not count.
    for programme_, moment in (
        (programme, local(2026, 3, 3, 18)),
        (programme, local(2026, 3, 31, 23)),
        (programme, local(2026, 2, 28, 18)),
        (other, local(2026, 3, 3, 18)),
    ):
        CollaborationActivityFactory(organisation=org, programme=programme_, held_at=moment)
    return programme, other


def test_each_output_metric_matches_the_figures_counted_by_hand(org, recorded):
    programme, _other = recorded
    window = Window(programme.pk, *MARCH)
    with org_context(org.pk):
        found = measure(org, [(key, window) for key in METRICS])

    values = {key: found[(key, window)].value for key in METRICS}
    assert values == {
        "sessions_held": 2,
        "attendance_rate": 60.0,
        "completions": 1,
        "peers_reached": 7,
        "partner_activities": 2,
    }
    assert found[("attendance_rate", window)].n == 3


def test_one_query_per_metric_and_four_windows_each_window_its_own_figures(org, recorded):
    """Six windows of every metric: two queries each (the read of four windows, then the read
    of two), and each window answers for itself."""
    programme, other = recorded
    windows = [
        Window(programme.pk, *MARCH),
        Window(other.pk, *MARCH),
        Window(programme.pk, date(2026, 1, 1), date(2026, 12, 31)),
        Window(programme.pk, date(2026, 2, 1), date(2026, 2, 28)),
        Window(programme.pk, date(2026, 4, 1), date(2026, 4, 30)),
        Window(other.pk, date(2026, 1, 1), date(2026, 12, 31)),
    ]
    with org_context(org.pk):
        count, found = count_queries(
            lambda: measure(org, [(key, w) for key in METRICS for w in windows])
        )
    assert count == 2 * len(METRICS)

    def figures(window: Window) -> dict[str, object]:
        return {key: found[(key, window)].value for key in METRICS}

    # The other programme: one session held, one activity, nothing else.
    assert (
        figures(windows[1])
        == figures(windows[5])
        == {
            "sessions_held": 1,
            "attendance_rate": None,
            "completions": 0,
            "peers_reached": 0,
            "partner_activities": 1,
        }
    )
    # The whole year takes in April's session, marks and task as well.
    assert found[("sessions_held", windows[2])].value == 3
    assert found[("peers_reached", windows[2])].value == 12
    assert found[("attendance_rate", windows[2])].value == pytest.approx(66.7)
    # February: the early completion and the activity of the 28th.
    assert figures(windows[3]) == {
        "sessions_held": 0,
        "attendance_rate": None,
        "completions": 1,
        "peers_reached": 0,
        "partner_activities": 1,
    }
    # April: the session just after midnight of the 1st, its one mark, the task of the 2nd.
    assert figures(windows[4]) == {
        "sessions_held": 1,
        "attendance_rate": 100.0,
        "completions": 0,
        "peers_reached": 5,
        "partner_activities": 0,
    }
    assert found[("attendance_rate", windows[4])].n == 1
