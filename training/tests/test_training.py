"""Trainers' training: courses, recording a course for several people, the refresher due in the
organisation's days, who sees whose training, the warning on a cohort whose trainer lacks a
required training, the home panel, and query counts that do not grow with the data."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from ambassadors.tests.factories import AmbassadorFactory
from cocora.audit.models import AuditEvent
from cocora.core.dates import organisation_today
from cocora.core.errors import ApplicationError
from cocora.organisations.context import org_context
from cocora.organisations.models import Role
from cocora.organisations.tests.factories import MembershipFactory
from cocora.testing.queries import count_queries, queries_as_rows_grow, tenant_settings_queries
from programmes.tests.factories import (
    CohortFactory,
    CohortTrainerFactory,
    EnrolmentFactory,
    SessionFactory,
)
from training import services
from training.models import Course, TrainingRecord
from training.selectors import State, add_months, cohort_training_gaps, refreshers_due
from training.tests.factories import CourseFactory, TrainingRecordFactory

pytestmark = pytest.mark.django_db

# Noon in Copenhagen (the test organisations' time zone) on 2 July 2026.
MIDYEAR = datetime(2026, 7, 2, 10, tzinfo=UTC)


def test_a_refresher_falls_on_the_same_day_months_later_or_the_months_last_day():
    assert add_months(date(2026, 3, 15), 6) == date(2026, 9, 15)
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)


@pytest.mark.parametrize(
    ("moment", "state"),
    [
        # 23:30 UTC on 30 September is already 1 October in Copenhagen: due today, not lapsed.
        (datetime(2026, 9, 30, 23, 30, tzinfo=UTC), State.DUE_SOON),
        # 22:30 UTC on 1 October is 2 October in Copenhagen: the refresher is overdue.
        (datetime(2026, 10, 1, 22, 30, tzinfo=UTC), State.LAPSED),
        # 21:30 UTC on 1 October is still 1 October in Copenhagen (summer time, UTC+2).
        (datetime(2026, 10, 1, 21, 30, tzinfo=UTC), State.DUE_SOON),
    ],
)
def test_a_refresher_lapses_at_midnight_where_the_organisation_is(org, moment, state):
    record = TrainingRecordFactory(organisation=org, completed_on=date(2026, 4, 1))

    with time_machine.travel(moment, tick=False), org_context(org.pk):
        rows = refreshers_due(organisation=org, today=organisation_today(org))
    assert [(row.record.pk, row.due, row.state) for row in rows] == [
        (record.pk, date(2026, 10, 1), state)
    ]


@time_machine.travel(MIDYEAR, tick=False)
def test_refreshers_due_list_the_latest_completion_overdue_or_within_30_days(org):
    trainer = MembershipFactory(organisation=org, role=Role.TRAINER)
    course = CourseFactory(organisation=org, refresher_months=6)
    # An old completion, refreshed since: only the latest counts.
    TrainingRecordFactory(
        organisation=org, course=course, membership=trainer, completed_on=date(2025, 1, 10)
    )
    TrainingRecordFactory(
        organisation=org, course=course, membership=trainer, completed_on=date(2026, 1, 20)
    )
    soon = TrainingRecordFactory(organisation=org, course=course, completed_on=date(2026, 1, 2))
    TrainingRecordFactory(organisation=org, course=course, completed_on=date(2026, 3, 1))
    # Never refreshed: not listed.
    TrainingRecordFactory(
        organisation=org,
        course=CourseFactory(organisation=org, refresher_months=None),
        completed_on=date(2020, 1, 1),
    )
    # A member who is no longer a trainer is not listed.
    TrainingRecordFactory(
        organisation=org,
        course=course,
        membership=MembershipFactory(organisation=org, role=Role.PARTNER),
        completed_on=date(2025, 1, 1),
    )
    with org_context(org.pk):
        rows = refreshers_due(organisation=org, today=date(2026, 7, 2))

    assert [(row.record.membership_id, row.due, row.state) for row in rows] == [
        (soon.membership_id, date(2026, 7, 2), State.DUE_SOON),
        (trainer.pk, date(2026, 7, 20), State.DUE_SOON),
    ]


def test_recording_a_course_for_several_people_skips_those_recorded_that_day(org):
    coordinator = MembershipFactory(organisation=org, role=Role.COORDINATOR)
    trainers = MembershipFactory.create_batch(3, organisation=org, role=Role.TRAINER)
    ambassador = AmbassadorFactory(organisation=org)
    course = CourseFactory(organisation=org, hours=14)
    with org_context(org.pk):
        first = services.training_record_create_many(
            organisation=org,
            course=course,
            completed_on=date(2026, 5, 4),
            memberships=trainers[:2],
            ambassadors=[ambassador],
            actor=coordinator.user,
        )
        again = services.training_record_create_many(
            organisation=org,
            course=course,
            completed_on=date(2026, 5, 4),
            memberships=trainers,
            hours="3.5",
            note="Only the afternoon",
            actor=coordinator.user,
        )
        lines = AuditEvent.objects.for_org(org).filter(action="training.recorded").count()

    assert len(first) == 3 and {r.hours for r in first} == {14}
    assert [(r.membership_id, r.hours, r.note) for r in again] == [
        (trainers[2].pk, 3.5, "Only the afternoon")
    ]
    assert lines == 4


def test_recording_refuses_nobody_a_partner_and_the_wrong_audience(org):
    course = CourseFactory(organisation=org, roles=["trainer"])
    partner = MembershipFactory(organisation=org, role=Role.PARTNER)
    with org_context(org.pk):
        for kwargs in (
            {},
            {"memberships": [partner]},
            {"ambassadors": [AmbassadorFactory(organisation=org)]},
        ):
            with pytest.raises(ApplicationError):
                services.training_record_create_many(
                    organisation=org, course=course, completed_on=date(2026, 5, 4), **kwargs
                )
        with pytest.raises(ApplicationError, match="programmes whose trainers"):
            services.course_create(
                organisation=org, name="TTT", hours=12, required_for_trainers=True
            )
        services.course_create(organisation=org, name="TTT", hours=12)
        with pytest.raises(ApplicationError, match="already"):
            services.course_create(organisation=org, name="ttt", hours=12)


def test_recording_costs_the_same_queries_for_5_and_50_people(org):
    course = CourseFactory(organisation=org)

    def measure(people):
        members = MembershipFactory.create_batch(people, organisation=org, role=Role.TRAINER)
        with org_context(org.pk):
            count, created = count_queries(
                lambda: services.training_record_create_many(
                    organisation=org,
                    course=course,
                    completed_on=date(2026, 5, 1 + people % 7),
                    memberships=members,
                )
            )
        assert len(created) == people
        return count

    # Those recorded that day already, the insert, the audit lines.
    assert measure(5) == measure(50) == 3


# -- pages and roles -------------------------------------------------------------------------


def test_coordinators_manage_and_record_a_course_for_several_people(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    trainers = MembershipFactory.create_batch(2, organisation=org, role=Role.TRAINER)
    ambassador = AmbassadorFactory(organisation=org)

    response = client.post(
        reverse("training_course_create", args=[org.slug]),
        {
            "name": "Train-the-trainer",
            "hours": "21",
            "roles": ["trainer", "ambassador"],
            "programme_kinds": ["prevention"],
            "refresher_months": "6",
            "required_for_trainers": "on",
        },
    )
    assert response.status_code == 302
    with org_context(org.pk):
        course = Course.objects.for_org(org).get()
    assert course.programme_kinds == ["prevention"] and course.required_for_trainers

    response = client.post(
        reverse("training_record", args=[org.slug]),
        {
            "course": course.pk,
            "completed_on": "2026-05-04",
            "members": [t.pk for t in trainers],
            "ambassadors": [ambassador.pk],
            "note": "",
        },
    )
    assert response.status_code == 302
    with org_context(org.pk):
        assert TrainingRecord.objects.for_org(org).count() == 3

    # Nobody ticked: the form says so and nothing is stored.
    response = client.post(
        reverse("training_record", args=[org.slug]),
        {"course": course.pk, "completed_on": "2026-05-05"},
    )
    assert response.status_code == 400
    assert "Choose who completed the course" in response.content.decode()

    for name in ("training_home", "training_people", "training_record"):
        assert client.get(reverse(name, args=[org.slug])).status_code == 200


def test_trainers_see_their_own_training_and_nobody_elses(org, member_client):
    client = member_client(org, Role.TRAINER)
    mine = TrainingRecordFactory(
        organisation=org, membership=client.membership, course__name="Own course"
    )
    colleague = TrainingRecordFactory(organisation=org, course__name="Colleague course")

    home = client.get(reverse("training_home", args=[org.slug]))
    assert home.status_code == 302 and home["Location"].endswith("/training/mine/")
    page = client.get(reverse("training_mine", args=[org.slug])).content.decode()
    assert "Own course" in page and "Colleague course" not in page
    own = reverse("training_member", args=[org.slug, mine.membership_id])
    assert client.get(own).status_code == 200
    other = reverse("training_member", args=[org.slug, colleague.membership_id])
    assert client.get(other).status_code == 404
    for name in ("training_people", "training_record", "training_course_create"):
        assert client.get(reverse(name, args=[org.slug])).status_code == 403


def test_ambassadors_see_their_own_training_and_partners_none(org, member_client):
    client = member_client(org, Role.AMBASSADOR)
    ambassador = AmbassadorFactory(organisation=org, user=client.membership.user)
    course = CourseFactory(organisation=org, name="Peer basics")
    TrainingRecordFactory(organisation=org, course=course, membership=None, ambassador=ambassador)
    other = AmbassadorFactory(organisation=org)

    assert "Peer basics" in client.get(reverse("training_mine", args=[org.slug])).content.decode()
    assert (
        client.get(reverse("training_ambassador", args=[org.slug, ambassador.pk])).status_code
        == 200
    )
    assert client.get(reverse("training_ambassador", args=[org.slug, other.pk])).status_code == 404

    partner = member_client(org, Role.PARTNER)
    for name in ("training_home", "training_mine", "training_people"):
        assert partner.get(reverse(name, args=[org.slug])).status_code == 403


def test_a_course_somebody_completed_is_kept(org, member_client):
    client = member_client(org, Role.ADMIN)
    record = TrainingRecordFactory(organisation=org)
    url = reverse("training_course_delete", args=[org.slug, record.course_id])
    response = client.post(url)
    assert response.status_code == 400
    assert "part of their history" in response.content.decode()

    client.post(reverse("training_record_delete", args=[org.slug, record.pk]))
    assert client.post(url).status_code == 302


# -- the warning on a cohort -----------------------------------------------------------------


@time_machine.travel(MIDYEAR, tick=False)
def test_a_trainer_without_the_required_training_is_warned_about_not_refused(org, member_client):
    """Where the coordinator assigns trainers and on the cohort: never trained, or lapsed."""
    client = member_client(org, Role.COORDINATOR)
    course = CourseFactory(
        organisation=org, name="Train-the-trainer", required_for_trainers=True, refresher_months=6
    )
    lapsed = MembershipFactory(organisation=org, role=Role.TRAINER, user__name="Lena Lapsed")
    never = MembershipFactory(organisation=org, role=Role.TRAINER, user__name="Nils Never")
    trained = MembershipFactory(organisation=org, role=Role.TRAINER, user__name="Tove Trained")
    TrainingRecordFactory(
        organisation=org, course=course, membership=lapsed, completed_on=date(2025, 12, 1)
    )
    TrainingRecordFactory(
        organisation=org, course=course, membership=trained, completed_on=date(2026, 6, 1)
    )
    # An older completion, lapsed by now: the latest one counts.
    TrainingRecordFactory(
        organisation=org, course=course, membership=trained, completed_on=date(2024, 1, 1)
    )
    cohort = CohortFactory(organisation=org, programme__kind="prevention")
    edit = reverse("cohort_edit", args=[org.slug, cohort.pk])

    # The form warns about every candidate who lacks it, before anyone is ticked.
    form = client.get(edit).content.decode()
    assert "Lena Lapsed" in form and "Nils Never" in form
    assert "refresher overdue since" in form and "Tove Trained</a>" not in form

    response = client.post(
        edit,
        {
            "name": cohort.name,
            "starts_on": cohort.starts_on.isoformat(),
            "capacity": 15,
            "trainers": [lapsed.user_id, trained.user_id],
        },
    )
    assert response.status_code == 302
    detail = client.get(response["Location"]).content.decode()
    assert "lacks training required" in detail
    assert "Lena Lapsed</a>: Train-the-trainer" in detail
    assert "Nils Never" not in detail

    # A trainer of the cohort does not read colleagues' training there.
    CohortTrainerFactory(organisation=org, cohort=cohort, user=never.user)
    trainer_client = member_client(org, Role.TRAINER)
    CohortTrainerFactory(organisation=org, cohort=cohort, user=trainer_client.membership.user)
    page = trainer_client.get(reverse("cohort_detail", args=[org.slug, cohort.pk]))
    assert "lacks training required" not in page.content.decode()


@time_machine.travel(MIDYEAR, tick=False)
def test_no_warning_for_another_programme_kind_and_gaps_cost_three_queries(org):
    course = CourseFactory(organisation=org, required_for_trainers=True)

    def measure(people):
        cohort = CohortFactory(organisation=org)
        created = MembershipFactory.create_batch(people, organisation=org, role=Role.TRAINER)
        for member in created:
            CohortTrainerFactory(organisation=org, cohort=cohort, user=member.user)
            TrainingRecordFactory(
                organisation=org, course=course, membership=member, completed_on=date(2025, 1, 1)
            )
        # Trained this year: no gap.
        TrainingRecordFactory(
            organisation=org, course=course, membership=created[0], completed_on=date(2026, 6, 1)
        )

        def gaps(kind):
            return cohort_training_gaps(
                organisation=org,
                cohort=cohort,
                editing=False,
                programme_kind=kind,
                today=date(2026, 7, 2),
            )

        with org_context(org.pk):
            count, found = count_queries(lambda: gaps("prevention"))
            assert not gaps("ambassador")
        assert sorted(gap.membership.pk for gap in found) == sorted(m.pk for m in created[1:])
        assert {gap.standing.state for gap in found} == {"lapsed"}
        return count

    # The required courses; the trainers; their latest completion of each.
    assert measure(5) == measure(50) == 3


@time_machine.travel(MIDYEAR, tick=False)
def test_the_cohort_page_with_its_training_warning_costs_the_same_for_5_and_50_people(
    org, member_client
):
    client = member_client(org, Role.COORDINATOR)
    CourseFactory(organisation=org, name="Train-the-trainer", required_for_trainers=True)

    def measure(people):
        cohort = CohortFactory(organisation=org, programme__kind="prevention")
        trainer = MembershipFactory(organisation=org, role=Role.TRAINER)
        CohortTrainerFactory(organisation=org, cohort=cohort, user=trainer.user)
        SessionFactory(organisation=org, cohort=cohort, status="held")
        for _ in range(people):
            EnrolmentFactory(organisation=org, cohort=cohort)
        url = reverse("cohort_detail", args=[org.slug, cohort.pk])
        count, response = count_queries(lambda: client.get(url))
        assert response.status_code == 200
        assert "Train-the-trainer" in response.content.decode()
        return count

    # The cohort page's 11 (programmes' own test says which) and the warning's second and
    # third queries: the trainers, their latest completions (+2 tenant settings on PostgreSQL).
    assert measure(5) == measure(50) == 13 + 2 * tenant_settings_queries()


# -- the home panel and the people page ------------------------------------------------------


@time_machine.travel(MIDYEAR, tick=False)
def test_the_home_panel_lists_refreshers_due_at_a_constant_cost(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    course = CourseFactory(organisation=org, name="Refresh me", refresher_months=6)
    home = reverse("org_home", args=[org.slug])

    def measure(people):
        TrainingRecordFactory.create_batch(
            people, organisation=org, course=course, completed_on=date(2025, 12, 1)
        )
        count, response = count_queries(lambda: client.get(home))
        assert "Refreshers due" in response.content.decode()
        return count

    assert measure(5) == measure(50)
    page = client.get(home).content.decode()
    assert "Refresh me" in page and "overdue since" in page and "and 47 more" in page
    trainer = member_client(org, Role.TRAINER)
    assert "Refreshers due" not in trainer.get(home).content.decode()


@time_machine.travel(MIDYEAR, tick=False)
def test_the_people_page_costs_the_same_for_5_and_50_people(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    course = CourseFactory(organisation=org, required_for_trainers=True)
    url = reverse("training_people", args=[org.slug])

    def measure(people):
        for member in MembershipFactory.create_batch(people, organisation=org, role=Role.TRAINER):
            TrainingRecordFactory(organisation=org, course=course, membership=member)
        AmbassadorFactory.create_batch(2, organisation=org)
        count, response = count_queries(lambda: client.get(url))
        assert response.status_code == 200
        return count

    assert measure(5) == measure(50)


# A person's training history, paged ----------------------------------------------------------

# The latest completion of each test; the others a day apart before it.
LATEST_COMPLETION = date(2026, 6, 30)


def _count_text(html):
    """The pager's count ("Page 1 of 2 · 55 in all"), or None when the page shows none."""
    found = re.search(r"Page \d+ of \d+ · \d+ in all", html)
    return found.group(0) if found else None


def _completions(org, count, *, start=0, **person):
    """`count` completions of "Module NN" by one person, numbered from `start`, the lowest
    number the latest; each course is completed once."""
    for number in range(start, start + count):
        TrainingRecordFactory(
            organisation=org,
            course__name=f"Module {number:02d}",
            course__refresher_months=None,
            completed_on=LATEST_COMPLETION - timedelta(days=number),
            **person,
        )


HISTORIES = ["member", "mine", "ambassador"]


def _history_page(org, member_client, which):
    """One of the three pages that show one person's history, with the client allowed to read
    it and what the person's completions need: a coordinator reading a trainer's ("member"), a
    trainer reading their own ("mine"), a coordinator reading an ambassador's."""
    coordinator = member_client(org, Role.COORDINATOR)
    trainer = MembershipFactory(organisation=org, role=Role.TRAINER)
    own = member_client(org, Role.TRAINER)
    ambassador = AmbassadorFactory(organisation=org)
    pages = [
        (
            coordinator,
            reverse("training_member", args=[org.slug, trainer.pk]),
            {"membership": trainer},
        ),
        (own, reverse("training_mine", args=[org.slug]), {"membership": own.membership}),
        (
            coordinator,
            reverse("training_ambassador", args=[org.slug, ambassador.pk]),
            {"membership": None, "ambassador": ambassador},
        ),
    ]
    return pages[HISTORIES.index(which)]


@time_machine.travel(MIDYEAR, tick=False)
@pytest.mark.parametrize("which", HISTORIES)
def test_a_training_history_reads_the_same_queries_for_5_and_50_completions(
    org, member_client, which
):
    client, url, person = _history_page(org, member_client, which)

    (five, shown5), (fifty, shown50), (fifty_five, shown55) = queries_as_rows_grow(
        lambda: client.get(url),
        lambda count, made: _completions(org, count, start=made, **person),
        lambda page: (
            len(page.context["records"].items),
            len(page.context["standings"]),
            _count_text(page.content.decode()),
        ),
        totals=(5, 50, 55),
    )

    # Where things stand names every course; the table holds one page of 50, with the count of
    # all once there is more than one page.
    assert shown5 == (5, 5, None)
    assert shown50 == (50, 50, None)
    assert shown55 == (50, 55, "Page 1 of 2 · 55 in all")
    # session, user, the viewer's memberships with their organisations, then the person: a
    # trainer read by a coordinator (the membership, the courses required of trainers, their
    # user's name), oneself (the courses required), an ambassador (the record, their name);
    # then the count and the page of completions with their courses and people, and each
    # course's latest completion for the standing = 9, 7 or 8 (+2 tenant settings on
    # PostgreSQL), whatever the length of the history.
    expected = {"member": 9, "mine": 7, "ambassador": 8}[which]
    assert five == fifty == fifty_five == expected + 2 * tenant_settings_queries()


@time_machine.travel(MIDYEAR, tick=False)
@pytest.mark.parametrize("which", HISTORIES)
def test_a_training_history_pages_the_older_completions_and_keeps_the_standing(
    org, member_client, which
):
    # Given 53 completions, and the person's latest completion of a course done twice on the
    # second page
    client, url, person = _history_page(org, member_client, which)
    _completions(org, 53, **person)
    again = TrainingRecordFactory(
        organisation=org,
        course__name="First aid",
        course__refresher_months=12,
        completed_on=date(2025, 1, 10),
        **person,
    )
    TrainingRecordFactory(
        organisation=org, course=again.course, completed_on=date(2024, 1, 10), **person
    )

    # When the person's history is read, then its second page
    first = client.get(url).content.decode()
    second = client.get(url, {"page": 2}).content.decode()

    # Then the first page holds the 50 latest, the second the rest, with the count of all
    assert "Page 1 of 2 · 55 in all" in first and "Page 2 of 2 · 55 in all" in second
    assert 'href="?page=2#history-heading">Older</a>' in first
    assert 'href="?page=1#history-heading">Newer</a>' in second
    first_table, second_table = (html.split('id="history"')[1] for html in (first, second))
    assert "Module 49" in first_table and "Module 50" not in first_table
    assert "Module 50" in second_table and "Module 52" in second_table
    assert "Module 49" not in second_table
    assert second_table.count("First aid") == 2
    # and where things stand rests on the latest completion of each course on every page (the
    # 2025 one: its refresher fell due in January 2026, not in January 2025).
    for html in (first, second):
        standing = html.split('id="history"')[0]
        assert "First aid" in standing
        assert "refresher overdue since 10 Jan 2026" in standing
        assert "Module 52" in standing
