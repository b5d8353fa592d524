"""Compiled reads (cocora/core/compiled.py): the SQL is built once, and each call answers with
its own values: another organisation, member, cohort or day never gets the first call's rows."""

import threading
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from django.db.models import CharField, Count, DateField, Max, Q, QuerySet
from django.http import Http404
from django.urls import get_resolver
from django.utils import timezone

from ambassadors.tests.factories import (
    AmbassadorFactory,
    CheckInFactory,
    DebriefFactory,
    OutreachTaskFactory,
    PeerInsightFactory,
)
from cocora.core.compiled import Param, aggregated, compiled_read, every_read
from cocora.organisations.context import org_context, set_db_context
from cocora.organisations.models import Membership, Role
from cocora.organisations.selectors import membership_list_for_user, membership_of_user_in
from cocora.organisations.tests.factories import MembershipFactory
from cocora.testing.queries import count_queries
from evaluation.tests.factories import WaveFactory
from evaluation.tests.helpers import open_round, person, send
from impact.metrics import WINDOW_SLOTS
from impact.tests.factories import IndicatorFactory
from partners.tests.factories import ProposalFactory
from programmes.models import Cohort, Enrolment
from programmes.selectors.cohorts import TOTALS_SLOTS, cohort_get, cohort_summary, session_get
from programmes.services.attendance import attendance_lines
from programmes.tests.factories import (
    AttendanceFactory,
    CohortFactory,
    CohortTrainerFactory,
    ConsentFactory,
    EnrolmentFactory,
    SessionFactory,
)
from training.tests.factories import CourseFactory, TrainingRecordFactory

pytestmark = pytest.mark.django_db
CPH = ZoneInfo("Europe/Copenhagen")


def _built_counter() -> tuple[list[int], object]:
    """A compiled read of a tenant table that notes each time its queryset is built."""
    built: list[int] = []

    @compiled_read
    def cohorts_named() -> QuerySet[Cohort]:
        built.append(1)
        return Cohort.objects.for_org(Param("organisation")).filter(name=Param("name", CharField()))

    return built, cohorts_named


def test_each_call_answers_with_its_own_organisation_and_cohort():
    first = CohortFactory(name="Spring")
    second = CohortFactory(name="Autumn")
    staff = {
        cohort.organisation_id: MembershipFactory(
            organisation=cohort.organisation, role=Role.COORDINATOR
        )
        for cohort in (first, second)
    }
    for cohort in (first, second, first):
        with org_context(cohort.organisation_id):
            found = cohort_get(
                organisation=cohort.organisation,
                membership=staff[cohort.organisation_id],
                cohort_id=cohort.pk,
            )
        assert (found.pk, found.name, found.programme.pk) == (
            cohort.pk,
            cohort.name,
            cohort.programme_id,
        )
    # The other organisation's cohort, asked for with this organisation: 404, as before.
    with org_context(first.organisation_id), pytest.raises(Http404):
        cohort_get(
            organisation=first.organisation,
            membership=staff[first.organisation_id],
            cohort_id=second.pk,
        )


def test_a_trainer_reaches_only_the_cohorts_they_train():
    mine = CohortFactory()
    organisation = mine.organisation
    theirs = CohortFactory(organisation=organisation)
    trainer = MembershipFactory(organisation=organisation, role=Role.TRAINER)
    colleague = MembershipFactory(organisation=organisation, role=Role.TRAINER)
    CohortTrainerFactory(organisation=organisation, cohort=mine, user=trainer.user)
    CohortTrainerFactory(organisation=organisation, cohort=theirs, user=colleague.user)
    session = SessionFactory(organisation=organisation, cohort=theirs)
    with org_context(organisation.pk):
        assert cohort_get(organisation=organisation, membership=trainer, cohort_id=mine.pk) == mine
        assert (
            cohort_get(organisation=organisation, membership=colleague, cohort_id=theirs.pk)
            == theirs
        )
        with pytest.raises(Http404):
            cohort_get(organisation=organisation, membership=trainer, cohort_id=theirs.pk)
        with pytest.raises(Http404):
            session_get(organisation=organisation, membership=trainer, session_id=session.pk)
        found = session_get(
            organisation=organisation, membership=colleague, session_id=session.pk, with_log=True
        )
        assert (found.pk, found.cohort.name, found.has_log) == (session.pk, theirs.name, False)
        # A role that sees no cohort reaches none, and asks the database nothing.
        viewer = MembershipFactory(organisation=organisation, role=Role.PARTNER)

        def refused() -> None:
            with pytest.raises(Http404):
                cohort_get(organisation=organisation, membership=viewer, cohort_id=mine.pk)

        assert count_queries(refused)[0] == 0


def test_each_member_sees_their_own_memberships():
    one, other = MembershipFactory(), MembershipFactory()
    also = MembershipFactory(user=one.user)
    # As the middleware reads them: signed in, no organisation entered yet.
    with transaction.atomic():
        set_db_context(organisation_id=None, user_id=one.user.pk)
        assert {m.pk for m in membership_list_for_user(user=one.user)} == {one.pk, also.pk}
        set_db_context(organisation_id=None, user_id=other.user.pk)
        mine = membership_list_for_user(user=other.user)
    assert [(m.pk, m.organisation.slug) for m in mine] == [(other.pk, other.organisation.slug)]


def test_the_apis_member_is_read_in_the_one_organisation_named():
    one, stranger = MembershipFactory(), MembershipFactory()
    also = MembershipFactory(user=one.user)
    # As the API reads it: the caller set, no organisation entered yet.
    with transaction.atomic():
        set_db_context(organisation_id=None, user_id=one.user.pk)
        queries, found = count_queries(
            lambda: membership_of_user_in(user=one.user, slug=also.organisation.slug)
        )
        assert (queries, found.pk, found.organisation.name) == (1, also.pk, also.organisation.name)
        assert membership_of_user_in(user=one.user, slug=one.organisation.slug).pk == one.pk
        assert membership_of_user_in(user=one.user, slug=stranger.organisation.slug) is None
        assert membership_of_user_in(user=one.user, slug="nowhere") is None


def test_the_attendance_list_is_the_sessions_day_and_marks():
    with timezone.override(CPH):
        early = SessionFactory(starts_at=datetime(2027, 3, 1, 17, 0, tzinfo=CPH))
        organisation = early.organisation
        late = SessionFactory(
            organisation=organisation,
            cohort=early.cohort,
            starts_at=datetime(2027, 3, 15, 17, 0, tzinfo=CPH),
        )
        before = EnrolmentFactory(
            organisation=organisation, cohort=early.cohort, joined_on=date(2027, 2, 1)
        )
        between = EnrolmentFactory(
            organisation=organisation, cohort=early.cohort, joined_on=date(2027, 3, 8)
        )
        AttendanceFactory(organisation=organisation, session=late, enrolment=between, status="late")
        with org_context(organisation.pk):
            on_early = attendance_lines(organisation=organisation, session=early, with_marks=True)
            on_late = attendance_lines(organisation=organisation, session=late, with_marks=True)
            plain = attendance_lines(organisation=organisation, session=late)
    assert [(line.enrolment_id, line.mark) for line in on_early] == [(before.pk, "")]
    assert sorted((line.enrolment_id, line.mark) for line in on_late) == [
        (before.pk, ""),
        (between.pk, "late"),
    ]
    assert {line.enrolment_id for line in plain} == {before.pk, between.pk}
    assert {line.mark for line in plain} == {""}


def test_the_cohort_summary_counts_each_cohorts_own_marks():
    session = SessionFactory()
    organisation = session.organisation
    other = SessionFactory(organisation=organisation)
    for stage in ("active", "active", "waitlisted"):
        enrolment = EnrolmentFactory(organisation=organisation, cohort=session.cohort, stage=stage)
        if stage == "active":
            AttendanceFactory(
                organisation=organisation, session=session, enrolment=enrolment, status="present"
            )
    with org_context(organisation.pk):
        summary = cohort_summary(organisation=organisation, cohort=session.cohort, viewer=None)
        empty = cohort_summary(organisation=organisation, cohort=other.cohort, viewer=None)
    assert [(s.pk, s.present_count, s.marked_count) for s in summary.sessions] == [
        (session.pk, 2, 2)
    ]
    assert summary.stage_counts == {"active": 2, "waitlisted": 1}
    assert [(s.pk, s.present_count) for s in empty.sessions] == [(other.pk, 0)]
    assert empty.stage_counts == {}


def test_the_sql_is_built_once_per_time_zone_and_language():
    built, cohorts_named = _built_counter()
    cohort = CohortFactory(name="Spring")
    with org_context(cohort.organisation_id):
        for name in ("Spring", "Autumn", "Spring"):
            found = cohorts_named(organisation=cohort.organisation_id, name=name)
            assert [c.pk for c in found] == ([cohort.pk] if name == "Spring" else [])
        assert len(built) == 1
        queries, found = count_queries(
            lambda: cohorts_named(organisation=cohort.organisation_id, name="Spring")
        )
        assert (queries, [c.pk for c in found]) == (1, [cohort.pk])
        with timezone.override(ZoneInfo("America/Sao_Paulo")):
            cohorts_named(organisation=cohort.organisation_id, name="Spring")
        assert len(built) == 2


def test_a_missing_value_is_refused_before_anything_is_asked():
    _, cohorts_named = _built_counter()
    cohort = CohortFactory()

    def refused() -> None:
        with pytest.raises(TypeError, match="name"):
            cohorts_named(organisation=cohort.organisation_id)

    with org_context(cohort.organisation_id):
        assert count_queries(refused)[0] == 0


def test_a_tenant_read_without_its_organisation_is_refused():
    @compiled_read
    def every_enrolment() -> QuerySet[Enrolment]:
        return Enrolment.objects.filter(cohort_id=Param("cohort"))

    @compiled_read
    def named_in_a_subquery_only() -> QuerySet[Enrolment]:
        mine = Cohort.objects.for_org(Param("organisation")).values("pk")
        return Enrolment.objects.filter(cohort_id__in=mine)

    @compiled_read
    def or_any_other() -> QuerySet[Enrolment]:
        return Enrolment.objects.filter(
            Q(organisation_id=Param("organisation")) | Q(cohort_id=Param("cohort"))
        )

    @compiled_read
    def a_joined_tables_only() -> QuerySet[Enrolment]:
        return Enrolment.objects.filter(cohort__organisation_id=Param("organisation"))

    for read in (every_enrolment, named_in_a_subquery_only, or_any_other, a_joined_tables_only):
        with pytest.raises(ValueError, match="organisation"):
            read(organisation=1, cohort=1)


def test_an_id_no_column_can_hold_finds_nothing():
    cohort = CohortFactory()
    staff = MembershipFactory(organisation=cohort.organisation, role=Role.ADMIN)
    with org_context(cohort.organisation_id), pytest.raises(Http404):
        cohort_get(organisation=cohort.organisation, membership=staff, cohort_id=10**20)


@pytest.mark.django_db(transaction=True)
def test_a_read_built_in_one_thread_runs_on_the_connection_of_another():
    """A web process serves requests in threads: each call runs on its own thread's
    connection (and so in its own request's transaction), whichever thread built the read."""
    _, cohorts_named = _built_counter()
    cohort = CohortFactory(name="Spring")
    with org_context(cohort.organisation_id):
        assert [c.pk for c in cohorts_named(organisation=cohort.organisation_id, name="Spring")]
    found: list[Any] = []

    def elsewhere() -> None:
        try:
            with org_context(cohort.organisation_id):
                found.extend(
                    c.pk for c in cohorts_named(organisation=cohort.organisation_id, name="Spring")
                )
        except Exception as error:
            found.append(error)
        finally:
            connection.close()

    worker = threading.Thread(target=elsewhere)
    worker.start()
    worker.join()
    assert found == [cohort.pk]


def test_a_page_of_rows_cannot_be_compiled():
    @compiled_read
    def second_page() -> QuerySet[Membership]:
        return Membership.objects.for_org(Param("organisation")).order_by("pk")[50:100]

    with pytest.raises(ValueError, match="sliced"):
        second_page(organisation=1)


def test_a_date_value_is_prepared_as_a_date():
    @compiled_read
    def joined_by() -> QuerySet[Enrolment, int]:
        return (
            Enrolment.objects.for_org(Param("organisation"))
            .filter(joined_on__lte=Param("day", DateField()))
            .values_list("pk", flat=True)
        )

    enrolment = EnrolmentFactory(joined_on=date(2027, 3, 8))
    with org_context(enrolment.organisation_id):
        for day, expected in ((date(2027, 3, 7), []), (date(2027, 3, 8), [enrolment.pk])):
            assert joined_by(organisation=enrolment.organisation_id, day=day) == expected
        assert joined_by(organisation=enrolment.organisation_id, day="2027-03-09") == [enrolment.pk]


def test_every_read_compiled_answers_as_the_orm_built_afresh():
    """Each compiled read of the product (every module loaded, as a web process loads them),
    for a staff member and a trainer, against the same read built and compiled at the call:
    the same rows, whole, and never none (the data below gives each read something to find)."""
    get_resolver().url_patterns  # noqa: B018 - loads every view, and the reads they use
    today = timezone.localdate()
    session = SessionFactory(
        status="held", starts_at=timezone.now() - timedelta(days=1), cohort__starts_on=today
    )
    organisation, cohort = session.organisation, session.cohort
    upcoming = SessionFactory(
        organisation=organisation, cohort=cohort, starts_at=timezone.now() + timedelta(days=1)
    )
    trainer = MembershipFactory(organisation=organisation, role=Role.TRAINER)
    CohortTrainerFactory(organisation=organisation, cohort=cohort, user=trainer.user)
    WaveFactory(organisation=organisation, cohort=cohort)
    # An ambassador with a check-in held and a debrief due (the care they are owed).
    ambassador = AmbassadorFactory(organisation=organisation, cohort=cohort)
    CheckInFactory(organisation=organisation, ambassador=ambassador)
    DebriefFactory(organisation=organisation, ambassador=ambassador)
    # What waits for a coordinator's answer, and the peers an ambassador reached this month.
    OutreachTaskFactory(organisation=organisation, ambassador=ambassador, status="proposed")
    OutreachTaskFactory(
        organisation=organisation,
        ambassador=ambassador,
        status="done",
        completed_on=today,
        peers_reached=3,
    )
    PeerInsightFactory(organisation=organisation, ambassador=ambassador)
    ProposalFactory(organisation=organisation)
    # A target of the cohort's programme (the home page's targets behind).
    IndicatorFactory(organisation=organisation, objective__programme=cohort.programme)
    # A young person's answers in the cohort's end round (the targets' scale changes).
    answering = person(organisation, cohort)
    send(organisation, open_round(organisation, cohort, "end"), answering, {"se1": 4})
    # Their consent to take part (the home page's consent gaps read it).
    ConsentFactory(
        organisation=organisation,
        participant=answering.participant,
        scope="participation",
        given_by="self",
    )
    for status in ("present", "absent"):
        enrolment = EnrolmentFactory(organisation=organisation, cohort=cohort)
        AttendanceFactory(
            organisation=organisation, session=session, enrolment=enrolment, status=status
        )
    values = {
        "organisation": organisation.pk,
        "cohort": cohort.pk,
        "session": session.pk,
        "user": trainer.user_id,
        "slug": organisation.slug,
        "day": timezone.localtime(session.starts_at).date(),
        "today": today,
        "start": timezone.now(),
        "end": upcoming.ends_at,
        "programme": cohort.programme_id,
        "since": today - timedelta(days=40),
        # The windows of a target's metric: the days around the held session.
        **{
            f"{name}_{index}": value
            for index in range(WINDOW_SLOTS)
            for name, value in (
                ("programme", cohort.programme_id),
                ("start", timezone.now() - timedelta(days=2)),
                ("end", timezone.now() + timedelta(days=2)),
            )
        },
        "period_start": today,
        "period_end": today,
        # A page of people: the last one named in every slot.
        **{f"enrolment_{i}": enrolment.pk for i in range(TOTALS_SLOTS)},
    }
    course = CourseFactory(
        organisation=organisation, required_for_trainers=True, refresher_months=12
    )
    TrainingRecordFactory(organisation=organisation, course=course, membership=trainer)
    reads = [read for read in every_read if not read.module.startswith("tests.")]
    assert len(reads) >= 20
    with transaction.atomic():
        set_db_context(organisation_id=organisation.pk, user_id=trainer.user_id)
        for read in reads:
            compiled, afresh = _plain(read(**values)), _plain(read.built_afresh(**values))
            assert compiled and compiled == afresh, (read.module, read.__name__)


def _plain(rows: list) -> list:
    """Each row's values, to compare rows whole: an object's columns and annotations, which of
    its columns were left unread, and the objects joined to it, alike."""
    return [_plain_object(row) if hasattr(row, "_state") else row for row in rows]


def _plain_object(row: Any) -> dict[str, Any]:
    return {
        **{k: v for k, v in vars(row).items() if k != "_state"},
        "deferred": row.get_deferred_fields(),
        "joined": {k: _plain_object(v) for k, v in row._state.fields_cache.items() if v},
    }


def test_a_page_of_rows_is_read_with_its_bounds_as_values():
    enrolment = EnrolmentFactory()
    organisation, cohort = enrolment.organisation, enrolment.cohort
    for _ in range(4):
        EnrolmentFactory(organisation=organisation, cohort=cohort)

    @compiled_read
    def people() -> QuerySet[Enrolment]:
        return (
            Enrolment.objects.for_org(Param("organisation"))
            .filter(cohort_id=Param("cohort"))
            .order_by("pk")
        )

    @compiled_read
    def unordered() -> QuerySet[Enrolment]:
        return Enrolment.objects.for_org(Param("organisation")).order_by()

    values = {"organisation": organisation.pk, "cohort": cohort.pk}
    with org_context(organisation.pk):
        everyone = [e.pk for e in people(**values)]
        rows = people.rows(**values)
        pages = [[e.pk for e in rows[start : start + 2]] for start in (0, 2, 4, 6)]
        assert pages == [everyone[0:2], everyone[2:4], everyone[4:], []]
        assert count_queries(lambda: rows[2:4])[0] == 1
        assert count_queries(lambda: rows[0:0]) == (0, [])
        with pytest.raises(TypeError):
            rows[-2:]
        with pytest.raises(ValueError, match="ordered"):
            unordered.rows(organisation=organisation.pk)[0:2]


def test_a_count_over_every_row_is_one_row_even_of_nothing():
    """`aggregated()`: a count kept as a compiled read answers one row, as aggregate() does,
    for an organisation with rows and for one with none (the home page unpacks that row)."""
    counted = CohortFactory()
    organisation = counted.organisation
    CohortFactory(organisation=organisation, name="Autumn")
    empty = MembershipFactory().organisation

    @compiled_read
    def cohorts_and_latest_start() -> QuerySet[Cohort, tuple[Any, ...]]:
        return aggregated(
            Cohort.objects.for_org(Param("organisation")),
            n=Count("pk"),
            latest=Max("starts_on"),
        )

    for org in (organisation, empty):
        with org_context(org.pk):
            expected = Cohort.objects.for_org(org).aggregate(n=Count("pk"), latest=Max("starts_on"))
            assert cohorts_and_latest_start(organisation=org.pk) == [
                (expected["n"], expected["latest"])
            ]
    with org_context(organisation.pk):
        assert cohorts_and_latest_start(organisation=organisation.pk)[0][0] == 2
    with org_context(empty.pk):
        assert cohorts_and_latest_start(organisation=empty.pk) == [(0, None)]
