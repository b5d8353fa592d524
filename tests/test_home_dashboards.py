"""The organisation's home page per role: what needs each person today, what each role must never
see there, and a query count that does not grow with cohorts and people."""

import re
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from ambassadors.tests.factories import (
    AmbassadorFactory,
    DebriefFactory,
    OutreachTaskFactory,
    PeerInsightFactory,
)
from cocora.organisations.models import Role
from cocora.testing.queries import count_queries
from impact.tests.factories import IndicatorFactory, ObjectiveFactory
from partners.tests.factories import PartnerOrganisationFactory
from programmes.tests.factories import (
    AttendanceFactory,
    CohortFactory,
    CohortTrainerFactory,
    ConsentFactory,
    EnrolmentFactory,
    HandbookExportFactory,
    ParticipantFactory,
    ProgrammeFactory,
    SessionFactory,
    SessionLogFactory,
)


@dataclass
class Scenario:
    cohorts: list[Any] = field(default_factory=list)
    absent: list[Any] = field(default_factory=list)
    without_consent: list[Any] = field(default_factory=list)
    upcoming: list[Any] = field(default_factory=list)
    unlogged: list[Any] = field(default_factory=list)
    ambassadors: list[Any] = field(default_factory=list)
    partners: list[Any] = field(default_factory=list)


def build(org: Any, *, people: int, trainer: Any = None) -> Scenario:
    """`people` young people in cohorts of ten (at least one cohort), each cohort with three
    held sessions and one in two days; in each cohort the first person missed all three
    sessions and the second has no consent to take part. One ambassador, one partner and one
    failed handbook export per ten people, each needing attention."""
    now = timezone.now().replace(microsecond=0)
    today = timezone.localdate()
    scenario = Scenario()
    programme = ProgrammeFactory(organisation=org, title="Prevention Programme")
    per_cohort = 10
    for c in range(max(1, (people + per_cohort - 1) // per_cohort)):
        cohort = CohortFactory(
            organisation=org,
            programme=programme,
            name=f"Group {c}",
            starts_on=today - timedelta(days=30),
        )
        scenario.cohorts.append(cohort)
        if trainer is not None and c == 0:
            CohortTrainerFactory(organisation=org, cohort=cohort, user=trainer)
        held = [
            SessionFactory(
                organisation=org,
                cohort=cohort,
                starts_at=now - timedelta(days=days),
                status="held",
            )
            for days in (21, 14, 7)
        ]
        scenario.unlogged.extend(held)
        scenario.upcoming.append(
            SessionFactory(organisation=org, cohort=cohort, starts_at=now + timedelta(days=2))
        )
        size = min(per_cohort, people - c * per_cohort)
        for i in range(size):
            participant = ParticipantFactory(organisation=org, birth_year=today.year - 20)
            if i == 1:
                scenario.without_consent.append(participant)
            else:
                ConsentFactory(organisation=org, participant=participant)
            enrolment = EnrolmentFactory(
                organisation=org, cohort=cohort, participant=participant, stage="active"
            )
            if i == 0:
                scenario.absent.append(participant)
            for session in held:
                AttendanceFactory(
                    organisation=org,
                    session=session,
                    enrolment=enrolment,
                    status="absent" if i == 0 else "present",
                )
    for _ in range(max(1, people // 10)):
        # Active for two months without a check-in: overdue.
        ambassador = AmbassadorFactory(organisation=org)
        scenario.ambassadors.append(ambassador)
        OutreachTaskFactory(
            organisation=org,
            ambassador=ambassador,
            status="done",
            peers_reached=7,
            completed_on=today,
        )
        OutreachTaskFactory(organisation=org, ambassador=ambassador, status="proposed")
        PeerInsightFactory(organisation=org, ambassador=ambassador)
        # Never checked: its integrity review is overdue.
        scenario.partners.append(PartnerOrganisationFactory(organisation=org))
        HandbookExportFactory(organisation=org, programme=programme)
    # A target far out of reach: a thousand sessions within the year.
    IndicatorFactory(
        organisation=org,
        objective=ObjectiveFactory(organisation=org, programme=programme, title="Reach"),
        metric="sessions_held",
        target=1000,
        period_start=today - timedelta(days=60),
        period_end=today + timedelta(days=300),
    )
    return scenario


def home(client: Any, org: Any) -> str:
    response = client.get(reverse("org_home", args=[org.slug]))
    assert response.status_code == 200
    return response.content.decode()


def test_coordinator_home_answers_what_needs_them_today(org, member_client):
    coordinator = member_client(org, Role.COORDINATOR)
    scenario = build(org, people=12)
    ambassador = scenario.ambassadors[0]
    DebriefFactory(organisation=org, ambassador=ambassador)

    page = home(coordinator, org)

    # Upcoming sessions, each linked to its page.
    for session in scenario.upcoming:
        assert reverse("session_detail", args=[org.slug, session.pk]) in page
    # Consent gaps, linked to the person and to the filtered list.
    for participant in scenario.without_consent:
        assert reverse("participant_detail", args=[org.slug, participant.pk]) in page
    assert reverse("participant_list", args=[org.slug]) + "?consent=missing" in page
    # Absence flags, with the cohort to act in, and nobody who came.
    flags = page.split('id="absence-heading"', 1)[1].split("</section>", 1)[0]
    for participant in scenario.absent:
        assert f">{participant.display_name} <span" in flags
    for cohort in scenario.cohorts:
        assert reverse("cohort_detail", args=[org.slug, cohort.pk]) in flags
        assert f">{cohort.name}</a>" in flags
    assert flags.count("3 sessions missed") == len(scenario.absent) == len(scenario.cohorts)
    assert f">{scenario.without_consent[0].display_name} <span" not in flags
    # Ambassadors owed a check-in and a debrief; proposals waiting for an answer.
    assert reverse("ambassador_detail", args=[org.slug, ambassador.pk]) in page
    assert "a debrief after a difficult moment" in page
    assert "a check-in, due since" in page
    assert "tasks proposed by ambassadors" in page or "task proposed by an ambassador" in page
    assert reverse("outreach_task_board", args=[org.slug]) + "?status=proposed" in page
    assert reverse("peer_insight_list", args=[org.slug]) + "?status=new" in page
    # Targets behind, linked to the programme's outcomes and targets.
    assert "Targets behind" in page
    impact = reverse("impact_programme", args=[org.slug, scenario.cohorts[0].programme_id])
    assert impact in page
    # The charts, each with its table.
    assert "Attendance in Group 0" in page
    assert "Enrolment funnel by programme" in page
    assert "Peers reached by ambassadors per month" in page
    # The admin's housekeeping is not theirs.
    assert "Integrity reviews overdue" not in page
    assert "Your organisation in figures" not in page


def test_coordinator_home_says_kindly_when_nothing_waits(org, member_client):
    coordinator = member_client(org, Role.COORDINATOR)

    page = home(coordinator, org)

    assert "No sessions in the coming week." in page
    assert "Everyone holding a place has the consent they need." in page
    assert "Nobody has missed several sessions in a row." in page
    assert "No check-in is overdue and no debrief is waiting." in page
    assert "Nothing the ambassadors proposed is waiting for an answer." in page
    assert "No target is behind today." in page


def test_trainer_home_shows_only_their_own_cohorts(org, member_client):
    trainer = member_client(org, Role.TRAINER)
    scenario = build(org, people=20, trainer=trainer.membership.user)
    mine, other = scenario.cohorts

    page = home(trainer, org)

    # Logs to write for their cohort's held sessions, none of the other cohort's, none written.
    for session in scenario.unlogged:
        url = reverse("session_log", args=[org.slug, session.pk])
        assert (url in page) == (session.cohort_id == mine.pk)
    logged = scenario.unlogged[0]
    SessionLogFactory(organisation=org, session=logged, author=trainer.membership.user)
    assert reverse("session_log", args=[org.slug, logged.pk]) not in home(trainer, org)
    # Their cohort's absence flag, not the other cohort's.
    assert scenario.absent[0].display_name in page
    assert scenario.absent[1].display_name not in page
    # No consent gaps, no figures, no ambassadors' care: not a trainer's to see.
    for participant in scenario.without_consent:
        assert participant.display_name not in page
    assert "Consent to complete" not in page
    assert "Ambassadors to look after" not in page
    assert "Your organisation in figures" not in page
    assert "Targets behind" not in page
    assert other.name not in page


@pytest.mark.parametrize("role", [Role.PARTNER, Role.AMBASSADOR])
def test_partners_and_ambassadors_see_nothing_of_participants(org, member_client, role):
    client = member_client(org, role)
    scenario = build(org, people=12)

    page = home(client, org)

    participants = scenario.absent + scenario.without_consent
    for participant in participants:
        assert participant.display_name not in page
        assert participant.code not in page
    for cohort in scenario.cohorts:
        assert cohort.name not in page
    assert "Peers reached" not in page
    assert "Enrolment funnel" not in page


def test_admin_home_shows_figures_and_housekeeping(org, member_client):
    admin = member_client(org, Role.ADMIN)
    scenario = build(org, people=12)

    page = home(admin, org)

    assert "Your organisation in figures" in page
    assert "Targets behind" in page and "sessions held" in page.lower()
    assert reverse("partner_detail", args=[org.slug, scenario.partners[0].pk]) in page
    assert "Failed" in page
    assert reverse("retention_settings", args=[org.slug]) in page
    # Names of participants are not an admin's home page's business.
    for participant in scenario.absent + scenario.without_consent:
        assert participant.display_name not in page


def _figures(page: str) -> list[str]:
    block = page.split('id="figures-heading"', 1)[1].split("</dl>", 1)[0]
    return re.findall(r"<dd[^>]*>([^<]*)</dd>", block)


def test_admin_figures_suppress_a_small_group_and_its_difference(org, member_client):
    """Three participants: "fewer than 5", never 3. And with 12 registered of whom 9 enrolled,
    showing both would give away the 3 who did not: the second is suppressed too."""
    admin = member_client(org, Role.ADMIN)
    for _ in range(3):
        ParticipantFactory(organisation=org)

    figures = _figures(home(admin, org))
    assert figures[0].strip() == "fewer than 5"

    cohort = CohortFactory(organisation=org)
    for _ in range(9):
        EnrolmentFactory(organisation=org, cohort=cohort, stage="active")
    figures = _figures(home(admin, org))
    assert figures[0].strip() == "12"
    assert figures[1].strip() == "fewer than 5"
    shown = [int(f) for f in figures[:3] if f.strip().isdigit()]
    assert not any(0 < abs(a - b) < 5 for a in shown for b in shown)


def _funnel_cells(page: str) -> list[str]:
    block = page.split('id="funnel-heading"', 1)[1].split("</table>", 1)[0]
    return [c.strip() for c in re.findall(r"<td[^>]*>([^<]*)</td>", block)]


def test_enrolment_funnel_hides_small_steps_and_small_differences(org, member_client):
    """20 applied, 17 enrolled or further, 9 active or further, 2 completed: 17 is 3 away from
    20 and 2 is a small group, so only 20 and 9 may show as numbers."""
    coordinator = member_client(org, Role.COORDINATOR)
    cohort = CohortFactory(organisation=org)
    for stage, n in (("applied", 3), ("enrolled", 8), ("active", 7), ("completed", 2)):
        for _ in range(n):
            EnrolmentFactory(organisation=org, cohort=cohort, stage=stage)

    cells = _funnel_cells(home(coordinator, org))

    assert cells == ["20", "fewer than 5", "9", "fewer than 5"]


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ADMIN, Role.TRAINER])
def test_home_page_queries_do_not_grow_with_cohorts_and_people(org, member_client, role):
    client = member_client(org, role)
    build(org, people=5, trainer=client.membership.user)
    url = reverse("org_home", args=[org.slug])
    client.get(url)  # the session's first request settles its own bookkeeping
    small, _ = count_queries(lambda: client.get(url))

    build(org, people=50, trainer=client.membership.user)
    large, response = count_queries(lambda: client.get(url))

    assert response.status_code == 200
    # The same number for 1 cohort and 5 people as for 6 cohorts and 55 people: every panel
    # reads with a fixed number of grouped queries.
    assert small == large


def _reach_cells(page: str) -> list[str]:
    block = page.split('id="reach-heading"', 1)[1].split("</table>", 1)[0]
    return [c.strip() for c in re.findall(r"<td[^>]*>([^<]*)</td>", block)]


def test_ambassador_reach_hides_a_month_with_few_peers(org, member_client):
    """3 peers reached this month and 12 the month before: the 3 never shows, and neither does
    anything from which it could be worked out."""
    coordinator = member_client(org, Role.COORDINATOR)
    today = timezone.localdate()
    last_month = today.replace(day=1) - timedelta(days=1)
    ambassador = AmbassadorFactory(organisation=org)
    for completed_on, peers in ((today, 3), (last_month, 12)):
        OutreachTaskFactory(
            organisation=org,
            ambassador=ambassador,
            status="done",
            peers_reached=peers,
            completed_on=completed_on,
        )

    cells = _reach_cells(home(coordinator, org))

    assert len(cells) == 12
    assert "3" not in cells
    assert cells[-1] == "fewer than 5"
    # No total: 15 next to the 12 would give the small month away.
    assert "15" not in cells


def test_cohort_page_shows_attendance_per_session_with_its_table(org, member_client):
    coordinator = member_client(org, Role.COORDINATOR)
    cohort = CohortFactory(organisation=org, name="Tuesday group")
    now = timezone.now()
    first = SessionFactory(
        organisation=org, cohort=cohort, status="held", starts_at=now - timedelta(days=14)
    )
    second = SessionFactory(
        organisation=org, cohort=cohort, status="held", starts_at=now - timedelta(days=7)
    )
    for i in range(4):
        enrolment = EnrolmentFactory(organisation=org, cohort=cohort)
        AttendanceFactory(organisation=org, session=first, enrolment=enrolment, status="present")
        AttendanceFactory(
            organisation=org,
            session=second,
            enrolment=enrolment,
            status="present" if i < 3 else "absent",
        )

    page = coordinator.get(reverse("cohort_detail", args=[org.slug, cohort.pk])).content.decode()

    # The cohort page shows every mark anyway: its own chart hides no small group.
    block = page.split('id="attendance-chart-heading"', 1)[1].split("</table>", 1)[0]
    assert [c.strip() for c in re.findall(r"<td[^>]*>([^<]*)</td>", block)] == ["100%", "75%"]


def _attendance_cells(page: str) -> list[str]:
    block = page.split('id="attendance-charts-heading"', 1)[1].split("</table>", 1)[0]
    return [c.strip() for c in re.findall(r"<td[^>]*>([^<]*)</td>", block)]


def test_attendance_of_a_small_group_is_hidden_on_the_home_page_only(org, member_client):
    """Three people marked: the rate would tell who came. The home page hides it; the cohort
    page, whose readers see each mark anyway, shows it."""
    coordinator = member_client(org, Role.COORDINATOR)
    cohort = CohortFactory(organisation=org, starts_on=timezone.localdate() - timedelta(days=30))
    session = SessionFactory(
        organisation=org,
        cohort=cohort,
        status="held",
        starts_at=timezone.now() - timedelta(days=7),
    )
    for status in ("present", "present", "absent"):
        AttendanceFactory(organisation=org, session=session, status=status)

    assert _attendance_cells(home(coordinator, org)) == ["fewer than 5"]
    cohort_page = coordinator.get(reverse("cohort_detail", args=[org.slug, cohort.pk]))
    assert "67%" in cohort_page.content.decode()


def test_the_organisations_own_threshold_governs_the_figures(org, member_client):
    admin = member_client(org, Role.ADMIN)
    for _ in range(3):
        ParticipantFactory(organisation=org)

    assert _figures(home(admin, org))[0].strip() == "fewer than 5"
    org.small_cell_threshold = 3
    org.save(update_fields=["small_cell_threshold"])
    assert _figures(home(admin, org))[0].strip() == "3"


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ADMIN, Role.TRAINER])
def test_home_page_shows_nothing_of_another_organisation(org, other_org, member_client, role):
    client = member_client(org, role)
    theirs = build(other_org, people=12)

    page = home(client, org)

    for participant in theirs.absent + theirs.without_consent:
        assert participant.display_name not in page
    for cohort in theirs.cohorts:
        assert cohort.name not in page
    for partner in theirs.partners:
        assert partner.name not in page
    if role != Role.TRAINER:
        # Their ambassadors' reach counts nothing here either.
        assert "Peers reached show here once ambassadors report finished tasks." in page
