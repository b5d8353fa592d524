"""Demo data of the programmes app (see the seed_demo command): one programme of each kind from
the built-in curricula, a Prevention cohort of twelve with four held sessions, and with
`--scale N` a large cohort in nordby for measuring."""

from datetime import date, time, timedelta
from typing import Any

from django.utils import timezone

from cocora.organisations.demo_registry import register
from cocora.organisations.models import Organisation

from .curricula import builtin_curriculum
from .models import (
    Activity,
    Attendance,
    Cohort,
    Consent,
    Enrolment,
    EnrolmentStage,
    Module,
    Participant,
    Programme,
    ProgrammeKind,
    Session,
    SessionLog,
    SessionStatus,
)
from .services.attendance import attendance_save
from .services.cohorts import cohort_create, enrolments_create
from .services.consent import consent_record_many
from .services.curriculum import module_update, programme_create_from_builtin
from .services.participants import participant_codes_generate
from .services.session_logs import session_log_save
from .services.sessions import SessionRule, sessions_generate
from .services.translations import module_translation_save

NAMES = {
    "nordby": [
        "Amira",
        "Emil",
        "Freja",
        "Yusuf",
        "Sofie",
        "Malik",
        "Ida",
        "Noah",
        "Layla",
        "Oscar",
        "Hana",
        "Victor",
    ],
    "suedstadt": [
        "Aylin",
        "Jonas",
        "Mira",
        "Deniz",
        "Lea",
        "Karim",
        "Emma",
        "Finn",
        "Selin",
        "Paul",
        "Nour",
        "Luca",
    ],
}
# Two more who applied once the cohort had started: on its waiting list, so that the cohort
# page's bulk stage change has someone to move in.
WAITING = {"nordby": ["Nadia", "Rasmus"], "suedstadt": ["Johanna", "Tarek"]}

COHORT_NAMES = {"nordby": "Ungdomsgruppen Vest", "suedstadt": "Jugendgruppe Nordstadt"}
# What the demo's people wrote, in their organisation's language: a Danish trainer writes
# Danish session logs. The guardian stands in for a name ("Amira's parent").
WRITTEN = {
    "nordby": {
        "guardian": "Forælder til {name}",
        "summary": "Møde {number} forløb som planlagt; gruppen arbejdede godt sammen.",
        "follow_ups": "Tag de udprintede kort med næste gang.",
        "note": "En deltager virkede presset efter mødet; spørg roligt ind før næste gang.",
        "themes": [
            "Hvem vi er, og hvad vi vil med gruppen; regler for et trygt rum.",
            "At høre til flere steder på én gang; familie, nabolag, online.",
            "Hvad lige medborgerskab betyder, når man bliver behandlet ulige.",
            "Oplevelser af at blive dømt på udseendet; måder at svare på.",
        ],
    },
    "suedstadt": {
        "guardian": "Elternteil von {name}",
        "summary": "Treffen {number} lief wie geplant; die Gruppe hat gut zusammengearbeitet.",
        "follow_ups": "Beim nächsten Mal die gedruckten Karten mitbringen.",
        "note": "Eine Teilnehmerin wirkte nach dem Treffen bedrückt; vor dem nächsten Mal ruhig "
        "nachfragen.",
        "themes": [
            "Wer wir sind und was wir von der Gruppe wollen; Regeln für einen geschützten Raum.",
            "An mehreren Orten zugleich zu Hause sein; Familie, Viertel, online.",
            "Was gleiche Rechte bedeuten, wenn man ungleich behandelt wird.",
            "Erfahrungen, nach dem Aussehen beurteilt zu werden; Wege zu antworten.",
        ],
    },
}
# Attendance of the four held sessions, per participant index (p present, a absent, l late,
# e excused). Participant 5 has missed the last three: the cohort page suggests a check-in.
PATTERNS = {5: "paaa", 8: "plep", 10: "ppla"}


@register
def seed(*, organisation: Organisation, users: dict[str, Any], scale: int, stdout: Any) -> None:
    if not Programme.objects.for_org(organisation).exists():
        _seed_programmes(organisation, users)
        stdout.write(
            f"  {organisation.slug}: three programmes, a cohort of 12 (and 2 waiting), 10 sessions"
        )
    if scale:
        _seed_scale(organisation, users, scale)
        stdout.write(f"  {organisation.slug}: a cohort of {scale} with 20 held sessions")


def _seed_programmes(organisation: Organisation, users: dict[str, Any]) -> None:
    programmes = {
        kind: programme_create_from_builtin(
            organisation=organisation, kind=kind, language=organisation.language
        )
        for kind in ProgrammeKind.values
    }
    if organisation.slug == "nordby":
        _seed_translations(organisation, programmes[ProgrammeKind.COLLABORATIVE], users)
    today = timezone.localdate()
    # Four sessions held, the fifth today: the demo trainer has a session to take attendance for.
    first = today - timedelta(days=28)
    cohort = cohort_create(
        organisation=organisation,
        programme=programmes[ProgrammeKind.PREVENTION],
        name=COHORT_NAMES.get(organisation.slug, "Demo cohort"),
        starts_on=first,
        ends_on=first + timedelta(weeks=10),
        venue="Ungdomshuset" if organisation.slug == "nordby" else "Jugendzentrum Südstadt",
        capacity=14,
        coordinator=users["coordinator"],
        trainer_ids=[users["trainer"].pk],
    )
    names = NAMES.get(organisation.slug, NAMES["nordby"])
    written = WRITTEN.get(organisation.slug, WRITTEN["nordby"])
    codes = participant_codes_generate(organisation=organisation, count=len(names))
    participants = Participant.objects.bulk_create(
        [
            Participant(
                organisation=organisation,
                display_name=name,
                code=code,
                # The first two are 13 or 14: they need a guardian's consent and their own.
                birth_year=today.year - 14 if index < 2 else today.year - 18 - index % 4,
                email=f"{name.lower()}@young.example" if index % 3 == 0 else "",
                guardian_name=written["guardian"].format(name=name) if index < 2 else "",
                guardian_email=f"guardian.{name.lower()}@family.example" if index < 2 else "",
                preferred_language=organisation.language,
            )
            for index, (name, code) in enumerate(zip(names, codes, strict=True))
        ]
    )
    consents = []
    for index, participant in enumerate(participants):
        givers = ["guardian", "self"] if index < 2 else ["self"]
        consents += [
            Consent(
                organisation=organisation,
                participant=participant,
                scope="participation",
                given_by=giver,
                given_on=first - timedelta(days=7),
                recorded_by=users["coordinator"],
            )
            for giver in givers
        ]
        if participant.email:
            consents.append(
                Consent(
                    organisation=organisation,
                    participant=participant,
                    scope="contact",
                    given_by="self",
                    given_on=first - timedelta(days=7),
                    recorded_by=users["coordinator"],
                )
            )
    Consent.objects.bulk_create(consents)
    # Photo consent forms came back on paper from six of the young adults: recorded for all of
    # them at once, as the participant list's bulk action does.
    consent_record_many(
        organisation=organisation,
        participant_ids=[p.pk for p in participants[2:8]],
        scope="photos",
        given_by="self",
        given_on=first - timedelta(days=3),
        actor=users["coordinator"],
    )
    enrolments_create(
        organisation=organisation,
        cohort=cohort,
        participant_ids=[p.pk for p in participants],
        actor=users["coordinator"],
        joined_on=first,
    )
    Enrolment.objects.for_org(organisation).filter(cohort=cohort).update(
        stage=EnrolmentStage.ACTIVE
    )
    sessions = sessions_generate(
        organisation=organisation,
        cohort=cohort,
        rule=SessionRule(
            first_date=first,
            weekdays=(first.weekday(),),
            start_time=time(16, 30),
            duration_minutes=120,
            count=10,
        ),
        actor=users["coordinator"],
    )
    enrolments = list(
        Enrolment.objects.for_org(organisation).filter(cohort=cohort).order_by("participant__pk")
    )
    codes_by_letter = {"p": "present", "a": "absent", "l": "late", "e": "excused"}
    for number, session in enumerate(sessions[:4]):
        attendance_save(
            organisation=organisation,
            session=session,
            statuses={
                e.pk: codes_by_letter[PATTERNS.get(i, "pppp")[number]]
                for i, e in enumerate(enrolments)
            },
            actor=users["trainer"],
        )
        session_log_save(
            organisation=organisation,
            session=session,
            author=users["trainer"],
            summary=written["summary"].format(number=number + 1),
            themes=written["themes"][number],
            group_climate=4 if number != 2 else 3,
            follow_ups=written["follow_ups"] if number == 1 else "",
            # The last log holds a confidential note: the coordinator is notified (after the
            # demo commits) and reads it on the log's page.
            confidential_note=written["note"] if number == 3 else "",
        )
    _seed_waiting(organisation, cohort, users, first)


def _seed_waiting(
    organisation: Organisation, cohort: Cohort, users: dict[str, Any], first: date
) -> None:
    """Two adults with participation consent on the demo cohort's waiting list."""
    names = WAITING.get(organisation.slug, WAITING["nordby"])
    codes = participant_codes_generate(organisation=organisation, count=len(names))
    today = timezone.localdate()
    waiting = Participant.objects.bulk_create(
        Participant(
            organisation=organisation,
            display_name=name,
            code=code,
            birth_year=today.year - 19,
            preferred_language=organisation.language,
        )
        for name, code in zip(names, codes, strict=True)
    )
    Consent.objects.bulk_create(
        Consent(
            organisation=organisation,
            participant=participant,
            scope="participation",
            given_by="self",
            given_on=first + timedelta(days=10),
            recorded_by=users["coordinator"],
        )
        for participant in waiting
    )
    enrolments_create(
        organisation=organisation,
        cohort=cohort,
        participant_ids=[p.pk for p in waiting],
        actor=users["coordinator"],
        joined_on=first + timedelta(days=14),
    )
    Enrolment.objects.for_org(organisation).filter(cohort=cohort, participant__in=waiting).update(
        stage=EnrolmentStage.WAITLISTED
    )


def _seed_translations(
    organisation: Organisation, programme: Programme, users: dict[str, Any]
) -> None:
    english = builtin_curriculum(programme.kind, "en")
    modules = list(Module.objects.for_org(organisation).filter(programme=programme)[:2])
    for module, text in zip(modules, english.modules, strict=False):
        activities = list(Activity.objects.for_org(organisation).filter(module=module))
        module_translation_save(
            organisation=organisation,
            module=module,
            language="en",
            actor=users["coordinator"],
            title=text.title,
            objectives=text.objectives,
            content_md=text.content_md,
            activities={
                activity.pk: {
                    "title": built_in.title,
                    "instructions_md": built_in.instructions_md,
                    "materials": built_in.materials,
                }
                for activity, built_in in zip(activities, text.activities, strict=False)
            },
        )
    # The second module's Danish text is adapted afterwards: its English translation is now
    # out of date, as the curriculum and handbook pages say.
    adapted = modules[1]
    module_update(
        organisation=organisation,
        module=adapted,
        title=adapted.title,
        objectives=adapted.objectives,
        content_md=adapted.content_md + "\n\nI Nordby holder vi mødet på biblioteket.",
        duration_minutes=adapted.duration_minutes,
    )


def _seed_scale(organisation: Organisation, users: dict[str, Any], size: int) -> None:
    """A large cohort for measuring, written in bulk."""
    name = f"Measuring cohort ({size})"
    if Cohort.objects.for_org(organisation).filter(name=name).exists():
        return
    programme = Programme.objects.for_org(organisation).filter(kind="prevention").first()
    if programme is None:
        programme = programme_create_from_builtin(organisation=organisation, kind="prevention")
    today = timezone.localdate()
    first = today - timedelta(weeks=21)
    cohort = cohort_create(
        organisation=organisation,
        programme=programme,
        name=name,
        starts_on=first,
        capacity=max(size, 1),
        coordinator=users["coordinator"],
        trainer_ids=[users["trainer"].pk],
    )
    codes = participant_codes_generate(organisation=organisation, count=size)
    participants = Participant.objects.bulk_create(
        [
            Participant(
                organisation=organisation,
                display_name=f"Participant {n + 1}",
                code=code,
                birth_year=today.year - 19,
            )
            for n, code in enumerate(codes)
        ]
    )
    Consent.objects.bulk_create(
        [
            Consent(
                organisation=organisation,
                participant=p,
                scope="participation",
                given_by="self",
                given_on=first,
            )
            for p in participants
        ]
    )
    enrolments = Enrolment.objects.bulk_create(
        [
            Enrolment(
                organisation=organisation,
                cohort=cohort,
                participant=p,
                stage=EnrolmentStage.ACTIVE,
                joined_on=first,
            )
            for p in participants
        ]
    )
    sessions = sessions_generate(
        organisation=organisation,
        cohort=cohort,
        rule=SessionRule(
            first_date=first,
            weekdays=(first.weekday(),),
            start_time=time(17, 0),
            duration_minutes=90,
            count=20,
        ),
    )
    Session.objects.for_org(organisation).filter(pk__in=[s.pk for s in sessions]).update(
        status=SessionStatus.HELD
    )
    Attendance.objects.bulk_create(
        [
            Attendance(organisation=organisation, session=s, enrolment=e, status="present")
            for s in sessions
            for e in enrolments
        ],
        batch_size=5000,
    )
    SessionLog.objects.bulk_create(
        [
            SessionLog(organisation=organisation, session=s, author=users["trainer"], summary="")
            for s in sessions
        ]
    )
