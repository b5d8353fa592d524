"""Demo data of the ambassadors app (see the seed_demo command): a graduate Prevention cohort, an
Ambassador Programme cohort with sessions, the demo ambassador user and three more ambassadors,
tasks in every status (one overdue, one with a difficult moment awaiting its debrief),
check-ins (one overdue) and a few peer insights. Runs after the programmes seeder."""

from datetime import time, timedelta
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils import timezone

from cocora.notifications.inbox import STAFF_ROLES, notification_create
from cocora.notifications.models import NotificationKind
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

# What the demo's people wrote, in their organisation's language: tasks, reports, check-in notes
# and insights. {buddy} is the second ambassador's name.
WRITTEN = {
    "nordby": {
        "guardian": "Forælder til {name}",
        "settling_in": "Er faldet godt til; har lyst til at arbejde online.",
        "festival_planning": "Er glad for at planlægge festivalen.",
        "exams": "Eksamener på vej; hold opgaverne lette.",
        "festival_debrief": "Tal om festivalaftenen ved debriefingen.",
        "co_facilitate": "Vil gerne være medfacilitator på workshops.",
        "football": "Tal med fodboldholdet om ungdomsrådet",
        "post": "Lav et opslag om den åbne aften",
        "festival_stand": "Stand på bydelsfestivalen",
        "quiz": "Quizzen trak folk til.",
        "music": "Høj musik lige ved siden af.",
        "rights": "Vær medfacilitator på mødet om rettigheder",
        "small_groups": "Små grupper.",
        "thanks": "Tak, godt gået.",
        "evening_stand": "Aftenstand i ungdomshuset",
        "good_talks": "Gode snakke i starten.",
        "argument": "En ophedet diskussion, som jeg ikke kunne få ro på.",
        "clip": "Film et kort klip om ungdomshuset",
        "school_fair": "Stand til skolefesten",
        "fair_off": "Skolefesten blev aflyst.",
        "classmates": "Invitér klassekammerater til dialogmødet",
        "police": "Dialogmøde med lokalpolitiet",
        "online_hate": "Forbered workshoppen om had på nettet",
        "shadow": "Følg {buddy} til en samtale med jævnaldrende",
        "nowhere": "Mange på min årgang har ikke noget sted at mødes efter kl. 20 om vinteren.",
        "open_later": "Hold ungdomshuset åbent længere om fredagen.",
        "fake_accounts": "Flere af mine venner ved meget om at spotte falske profiler.",
        "younger_pupils": "Lad dem holde et møde for yngre elever.",
        "hall": "Sportsklubben lader os bruge hallen gratis om søndagen.",
        "hall_booked": "Vi har booket hallen til næste dialogmøde.",
    },
    "suedstadt": {
        "guardian": "Elternteil von {name}",
        "settling_in": "Hat sich gut eingelebt; möchte gern online arbeiten.",
        "festival_planning": "Plant gern das Stadtteilfest mit.",
        "exams": "Prüfungen stehen an; Aufgaben leicht halten.",
        "festival_debrief": "Beim Debriefing über den Festabend sprechen.",
        "co_facilitate": "Möchte Workshops mitleiten.",
        "football": "Mit der Fußballmannschaft über den Jugendrat sprechen",
        "post": "Einen Beitrag über den offenen Abend posten",
        "festival_stand": "Stand beim Stadtteilfest",
        "quiz": "Das Quiz hat die Leute angelockt.",
        "music": "Laute Musik nebenan.",
        "rights": "Das Treffen zu Rechten mitleiten",
        "small_groups": "Kleine Gruppen.",
        "thanks": "Danke, gut gemacht.",
        "evening_stand": "Abendstand im Jugendhaus",
        "good_talks": "Gute Gespräche am Anfang.",
        "argument": "Ein hitziger Streit, den ich nicht beruhigen konnte.",
        "clip": "Einen kurzen Clip über das Jugendhaus drehen",
        "school_fair": "Stand beim Schulfest",
        "fair_off": "Das Schulfest wurde abgesagt.",
        "classmates": "Mitschülerinnen und Mitschüler zum Dialogabend einladen",
        "police": "Dialogtreffen mit der Polizei vor Ort",
        "online_hate": "Den Workshop zu Hass im Netz vorbereiten",
        "shadow": "{buddy} zu einem Gespräch unter Gleichaltrigen begleiten",
        "nowhere": "Viele in meinem Jahrgang haben im Winter nach 20 Uhr keinen Ort zum Treffen.",
        "open_later": "Das Jugendhaus freitags länger öffnen.",
        "fake_accounts": "Mehrere Freunde kennen sich gut damit aus, Fake-Accounts zu erkennen.",
        "younger_pupils": "Sie ein Treffen für jüngere Schülerinnen und Schüler leiten lassen.",
        "hall": "Der Sportverein stellt uns sonntags seine Halle kostenlos zur Verfügung.",
        "hall_booked": "Wir haben die Halle für den nächsten Dialogabend gebucht.",
    },
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
    written = WRITTEN.get(organisation.slug, WRITTEN["nordby"])

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
                guardian_name=written["guardian"].format(name=name) if index == 3 else "",
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
                (ali, 46, Wellbeing.GOOD, written["settling_in"]),
                (ali, 25, Wellbeing.GOOD, written["festival_planning"]),
                (maja, 106, Wellbeing.OKAY, written["exams"]),
                (maja, 92, Wellbeing.GOOD, ""),
                (maja, 12, Wellbeing.STRETCHED, written["festival_debrief"]),
                (mikkel, 40, Wellbeing.GOOD, written["co_facilitate"]),
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
        written["football"],
        3,
        TaskStatus.ASSIGNED,
        estimated_hours=Decimal("1.5"),
    )
    task(ali, TaskKind.ONLINE, written["post"], 5, TaskStatus.IN_PROGRESS)
    task(
        ali,
        TaskKind.EVENT_STAND,
        written["festival_stand"],
        -1,
        TaskStatus.DONE,
        estimated_hours=Decimal("3"),
        peers_reached=25,
        hours_spent=Decimal("3"),
        what_worked=written["quiz"],
        what_was_hard=written["music"],
        completed_on=today,
    )
    task(
        ali,
        TaskKind.WORKSHOP,
        written["rights"],
        -20,
        TaskStatus.REVIEWED,
        peers_reached=12,
        hours_spent=Decimal("2"),
        what_worked=written["small_groups"],
        completed_on=today - timedelta(days=20),
        reviewed_by=coordinator,
        reviewed_at=timezone.now() - timedelta(days=18),
        coordinator_note=written["thanks"],
        buddy=maja,
    )
    hard = task(
        maja,
        TaskKind.EVENT_STAND,
        written["evening_stand"],
        -2,
        TaskStatus.DONE,
        peers_reached=14,
        hours_spent=Decimal("2.5"),
        what_worked=written["good_talks"],
        what_was_hard=written["argument"],
        difficult_moment=True,
        completed_on=today - timedelta(days=2),
    )
    Debrief.objects.create(
        organisation=organisation, ambassador=maja, task=hard, due_on=today + timedelta(days=5)
    )
    # What task_complete tells coordinators and admins: the demo's report is written directly.
    notification_create(
        organisation=organisation,
        kind=NotificationKind.DIFFICULT_MOMENT,
        roles=STAFF_ROLES,
        context={"ambassador": str(maja), "task": hard.title},
        subject_participant_id=maja.participant_id,
        link=reverse(
            "outreach_task_detail", kwargs={"org_slug": organisation.slug, "task_id": hard.pk}
        ),
    )
    task(
        maja,
        TaskKind.ONLINE,
        written["clip"],
        14,
        TaskStatus.PROPOSED,
        proposed_by_ambassador=True,
        created_by=users["ambassador"],
    )
    task(
        maja,
        TaskKind.EVENT_STAND,
        written["school_fair"],
        9,
        TaskStatus.CANCELLED,
        coordinator_note=written["fair_off"],
    )
    # Mikkel is at the cap of three open tasks, one of them overdue.
    task(
        mikkel,
        TaskKind.PEER_CONVERSATION,
        written["classmates"],
        -3,
        TaskStatus.ASSIGNED,
    )
    task(
        mikkel,
        TaskKind.DIALOGUE,
        written["police"],
        6,
        TaskStatus.ASSIGNED,
        buddy=ali,
    )
    task(mikkel, TaskKind.WORKSHOP, written["online_hate"], 10, TaskStatus.IN_PROGRESS)
    task(nanna, TaskKind.OTHER, written["shadow"].format(buddy=names[1]), 12, TaskStatus.ASSIGNED)

    PeerInsight.objects.bulk_create(
        [
            PeerInsight(
                organisation=organisation,
                ambassador=ali,
                theme=InsightTheme.LEISURE,
                kind=InsightKind.NEED,
                observation=written["nowhere"],
                suggestion=written["open_later"],
            ),
            PeerInsight(
                organisation=organisation,
                ambassador=maja,
                theme=InsightTheme.ONLINE,
                kind=InsightKind.EXPERTISE,
                observation=written["fake_accounts"],
                suggestion=written["younger_pupils"],
                status=InsightStatus.ACKNOWLEDGED,
                reviewed_by=coordinator,
                reviewed_at=timezone.now(),
            ),
            PeerInsight(
                organisation=organisation,
                ambassador=ali,
                theme=InsightTheme.SCHOOL_WORK,
                kind=InsightKind.RESOURCE,
                observation=written["hall"],
                status=InsightStatus.ACTED_ON,
                response=written["hall_booked"],
                reviewed_by=coordinator,
                reviewed_at=timezone.now(),
            ),
        ]
    )
