"""Compiled reads (cocora/core/compiled.py): the SQL is built once, and each call answers with
its own values: another organisation, member, cohort or day never gets the first call's rows."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.db.models import CharField, DateField, QuerySet
from django.http import Http404
from django.utils import timezone

from cocora.core.compiled import Param, compiled_read
from cocora.organisations.context import org_context, set_db_context
from cocora.organisations.models import Membership, Role
from cocora.organisations.selectors import membership_list_for_user
from cocora.organisations.tests.factories import MembershipFactory
from cocora.testing.queries import count_queries
from programmes.models import Cohort, Enrolment
from programmes.selectors.cohorts import cohort_get, cohort_summary, session_get
from programmes.services.attendance import attendance_lines
from programmes.tests.factories import (
    AttendanceFactory,
    CohortFactory,
    CohortTrainerFactory,
    EnrolmentFactory,
    SessionFactory,
)

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

    with pytest.raises(ValueError, match="organisation"):
        every_enrolment(cohort=1)


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
    """The pages' compiled reads against the same reads built and compiled at the call."""
    from cocora.organisations.selectors import _memberships_of_user
    from programmes.selectors.cohorts import _sessions_counted, _stage_counts, _trainer_links
    from programmes.services.attendance import _LINES

    session = SessionFactory()
    organisation, cohort = session.organisation, session.cohort
    trainer = MembershipFactory(organisation=organisation, role=Role.TRAINER)
    CohortTrainerFactory(organisation=organisation, cohort=cohort, user=trainer.user)
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
        "day": timezone.localtime(session.starts_at).date(),
    }
    reads = (
        _memberships_of_user,
        _sessions_counted,
        _stage_counts,
        _trainer_links,
        *_LINES.values(),
    )
    with transaction.atomic():
        set_db_context(organisation_id=organisation.pk, user_id=trainer.user_id)
        for read in reads:
            compiled, afresh = _plain(read(**values)), _plain(read.built_afresh(**values))
            assert compiled and compiled == afresh, read.__name__


def _plain(rows: list) -> list:
    """Each row's values (an object's columns and annotations), to compare rows whole."""
    return [
        {k: v for k, v in vars(row).items() if k != "_state"} if hasattr(row, "_state") else row
        for row in rows
    ]
