"""Demo data of the ambassadors app (see the seed_demo command): a graduate Prevention cohort, an
Ambassador Programme cohort with sessions, the demo ambassador user and three more ambassadors,
tasks in every status (one overdue, one with a difficult moment awaiting its debrief),
check-ins (one overdue) and a few peer insights. Runs after the programmes seeder."""

from datetime import time, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from cocora.organisations.demo_registry import register
from cocora.organisations.models import Organisation
from programmes.models import (
    Consent,
    Enrolment,
    EnrolmentStage,
    Participant,
    Programme,
    ProgrammeKind,
    Session,
    SessionStatus,
)
from programmes.services.cohorts import cohort_create
from programmes.services.participants import participant_codes_generate
from programmes.services.sessions import SessionRule, sessions_generate

from .models import (
    Ambassador,
    AmbassadorStatus,
    CheckIn,
    Debrief,
    InsightKind,
    InsightStatus,
    InsightTheme,
    OutreachTask,
    PeerInsight,
    TaskKind,
    TaskStatus,
    Wellbeing,
)

# The first is the demo ambassador user (ambassador@<slug>.example).
NAMES = {
    "nordby": ["Ali", "Maja", "Mikkel", "Nanna"],
    "suedstadt": ["Yusuf", "Lina", "Jannik", "Hanna"],
}
COHORTS = {
    "nordby": ("Ungdomsgruppen Øst (forår)", "Ambassadørholdet", "Ungdomshuset"),
    "suedstadt": (
        "Jugendgruppe Weststadt (Frühjahr)",
        "Botschafter-Team",
        "Jugendzentrum Südstadt",
    ),
}


@register
def seed(*, organisation: Organisation, users: dict[str, Any], scale: int, stdout: Any) -> None:
    if Ambassador.objects.for_org(organisation).exists():
        return
    programmes = Programme.objects.for_org(organisation)
    prevention = programmes.filter(kind=ProgrammeKind.PREVENTION).first()
    ambassador_programme = programmes.filter(kind=ProgrammeKind.AMBASSADOR).first()
    if prevention is None or ambassador_programme is None:
        return
    _seed(organisation, users, prevention, ambassador_programme)
    stdout.write(f"  {organisation.slug}: an ambassador cohort, 4 ambassadors with tasks")


def _seed(
    organisation: Organisation,
    users: dict[str, Any],
    prevention: Programme,
    ambassador_programme: Programme,
) -> None:
    today = timezone.localdate()
    coordinator = users["coordinator"]
    graduates_name, cohort_name, venue = COHORTS.get(organisation.slug, COHORTS["nordby"])
    names = NAMES.get(organisation.slug, NAMES["nordby"])

    # The Prevention cohort they all completed, last spring.
    graduates = cohort_create(
        organisation=organisation,
        programme=prevention,
        name=graduates_name,
        starts_on=today - timedelta(days=300),
        ends_on=today - timedelta(days=230),
        venue=venue,
        capacity=12,
        coordinator=coordinator,
    )
    codes = participant_codes_generate(organisation=organisation, count=len(names))
    participants = Participant.objects.bulk_create(
        [
            Participant(
                organisation=organisation,
                display_name=name,
                code=code,
                # The last one is 15: consent from a guardian and their own for everything.
                birth_year=today.year - (15 if index == 3 else 18 + index),
                email=users["ambassador"].email if index == 0 else "",
                guardian_name=f"Guardian of {name}" if index == 3 else "",
                preferred_language=organisation.language,
            )
            for index, (name, code) in enumerate(zip(names, codes, strict=True))
        ]
    )
    given_on = today - timedelta(days=310)
    Consent.objects.bulk_create(
        [
            Consent(
                organisation=organisation,
                participant=p,
                scope=scope,
                given_by=giver,
                given_on=given_on if scope == "participation" else today - timedelta(days=200),
                recorded_by=coordinator,
            )
            for index, p in enumerate(participants)
            for scope in ("participation", "ambassador")
            for giver in (("guardian", "self") if index == 3 else ("self",))
        ]
    )

    # The Ambassador Programme cohort: every second week, half of it still to come.
    training = cohort_create(
        organisation=organisation,
        programme=ambassador_programme,
        name=cohort_name,
        starts_on=today - timedelta(days=70),
        ends_on=today + timedelta(days=70),
        venue=venue,
        capacity=10,
        coordinator=coordinator,
        trainer_ids=[users["trainer"].pk],
    )
    first = today - timedelta(days=70)
    sessions = sessions_generate(
        organisation=organisation,
        cohort=training,
        rule=SessionRule(
            first_date=first,
            weekdays=(first.weekday(),),
            start_time=time(17, 0),
            duration_minutes=120,
            every_n_weeks=2,
            count=10,
        ),
        venue=venue,
    )
    now = timezone.now()
    Session.objects.for_org(organisation).filter(
        pk__in=[s.pk for s in sessions if s.ends_at < now]
    ).update(status=SessionStatus.HELD)
    Enrolment.objects.bulk_create(
        [
            Enrolment(
                organisation=organisation,
                cohort=cohort,
                participant=p,
                stage=stage,
                joined_on=cohort.starts_on,
            )
            for p in participants
            for cohort, stage in (
                (graduates, EnrolmentStage.COMPLETED),
                (training, EnrolmentStage.ACTIVE),
            )
        ]
    )

    def ambassador(index: int, status: str, active_days: int | None, **extra: Any) -> Ambassador:
        since = today - timedelta(days=active_days) if active_days else None
        return Ambassador.objects.create(
            organisation=organisation,
            participant=participants[index],
            cohort=training,
            status=status,
            active_since=since,
            certified_on=since,
            created_by=coordinator,
            **extra,
        )

    ali = ambassador(0, AmbassadorStatus.ACTIVE, 60, user=users["ambassador"])
    maja = ambassador(1, AmbassadorStatus.ACTIVE, 120)
    mikkel = ambassador(2, AmbassadorStatus.ACTIVE, 50)
    nanna = ambassador(3, AmbassadorStatus.IN_TRAINING, None)

    # Check-ins: Ali and Maja are on schedule; Mikkel's second is overdue.
    CheckIn.objects.bulk_create(
        [
            CheckIn(
                organisation=organisation,
                ambassador=who,
                held_on=today - timedelta(days=days),
                wellbeing=wellbeing,
                notes=notes,
                recorded_by=coordinator,
            )
            for who, days, wellbeing, notes in (
                (ali, 46, Wellbeing.GOOD, "Settling in well; keen on online work."),
                (ali, 25, Wellbeing.GOOD, "Enjoys the festival planning."),
                (maja, 106, Wellbeing.OKAY, "Exams coming; keep tasks light."),
                (maja, 92, Wellbeing.GOOD, ""),
                (maja, 12, Wellbeing.STRETCHED, "Talk about the festival evening at the debrief."),
                (mikkel, 40, Wellbeing.GOOD, "Wants to co-facilitate workshops."),
            )
        ]
    )

    def task(who: Ambassador, kind: str, title: str, due: int, status: str, **extra: Any) -> Any:
        return OutreachTask.objects.create(
            organisation=organisation,
            ambassador=who,
            kind=kind,
            title=title,
            due_on=today + timedelta(days=due),
            status=status,
            **{"estimated_hours": Decimal("1"), "created_by": coordinator, **extra},
        )

    task(
        ali,
        TaskKind.PEER_CONVERSATION,
        "Talk with the football team about the youth council",
        3,
        TaskStatus.ASSIGNED,
        estimated_hours=Decimal("1.5"),
    )
    task(ali, TaskKind.ONLINE, "Post about the open evening", 5, TaskStatus.IN_PROGRESS)
    task(
        ali,
        TaskKind.EVENT_STAND,
        "Stand at the neighbourhood festival",
        -1,
        TaskStatus.DONE,
        estimated_hours=Decimal("3"),
        peers_reached=25,
        hours_spent=Decimal("3"),
        what_worked="The quiz drew people in.",
        what_was_hard="Loud music nearby.",
        completed_on=today,
    )
    task(
        ali,
        TaskKind.WORKSHOP,
        "Co-facilitate the session on rights",
        -20,
        TaskStatus.REVIEWED,
        peers_reached=12,
        hours_spent=Decimal("2"),
        what_worked="Small groups.",
        completed_on=today - timedelta(days=20),
        reviewed_by=coordinator,
        reviewed_at=timezone.now() - timedelta(days=18),
        coordinator_note="Thank you, well done.",
        buddy=maja,
    )
    hard = task(
        maja,
        TaskKind.EVENT_STAND,
        "Evening stand at the youth house",
        -2,
        TaskStatus.DONE,
        peers_reached=14,
        hours_spent=Decimal("2.5"),
        what_worked="Good talks at the start.",
        what_was_hard="A heated argument that I could not calm down.",
        difficult_moment=True,
        completed_on=today - timedelta(days=2),
    )
    Debrief.objects.create(
        organisation=organisation, ambassador=maja, task=hard, due_on=today + timedelta(days=5)
    )
    task(
        maja,
        TaskKind.ONLINE,
        "Film a short clip about the youth house",
        14,
        TaskStatus.PROPOSED,
        proposed_by_ambassador=True,
        created_by=users["ambassador"],
    )
    task(
        maja,
        TaskKind.EVENT_STAND,
        "Stand at the school fair",
        9,
        TaskStatus.CANCELLED,
        coordinator_note="The fair was called off.",
    )
    # Mikkel is at the cap of three open tasks, one of them overdue.
    task(
        mikkel,
        TaskKind.PEER_CONVERSATION,
        "Invite classmates to the dialogue meeting",
        -3,
        TaskStatus.ASSIGNED,
    )
    task(
        mikkel,
        TaskKind.DIALOGUE,
        "Dialogue meeting with the local police",
        6,
        TaskStatus.ASSIGNED,
        buddy=ali,
    )
    task(
        mikkel, TaskKind.WORKSHOP, "Prepare the workshop on online hate", 10, TaskStatus.IN_PROGRESS
    )
    task(nanna, TaskKind.OTHER, "Shadow Maja at a peer conversation", 12, TaskStatus.ASSIGNED)

    PeerInsight.objects.bulk_create(
        [
            PeerInsight(
                organisation=organisation,
                ambassador=ali,
                theme=InsightTheme.LEISURE,
                kind=InsightKind.NEED,
                observation="Many in my year have nowhere to meet after 8 pm in winter.",
                suggestion="Keep the youth house open later on Fridays.",
            ),
            PeerInsight(
                organisation=organisation,
                ambassador=maja,
                theme=InsightTheme.ONLINE,
                kind=InsightKind.EXPERTISE,
                observation="Several friends know a lot about spotting fake accounts.",
                suggestion="Let them run a session for younger pupils.",
                status=InsightStatus.ACKNOWLEDGED,
                reviewed_by=coordinator,
                reviewed_at=timezone.now(),
            ),
            PeerInsight(
                organisation=organisation,
                ambassador=ali,
                theme=InsightTheme.SCHOOL_WORK,
                kind=InsightKind.RESOURCE,
                observation="The sports club offers its hall for free on Sundays.",
                status=InsightStatus.ACTED_ON,
                response="We booked the hall for the next dialogue meeting.",
                reviewed_by=coordinator,
                reviewed_at=timezone.now(),
            ),
        ]
    )
