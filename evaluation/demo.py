"""Demo data of the evaluation app (see the seed_demo command): a Prevention cohort that ended
last autumn with closed baseline and end rounds (pre and post answers, some people answering
only once, two who declined evaluation), and the running demo cohort with its baseline round
open, some answers in and evaluation consent for most. Runs after the programmes seeder."""

import random
from datetime import timedelta
from typing import Any

from django.utils import timezone

from cocora.organisations.demo_registry import register
from cocora.organisations.models import Organisation
from programmes.models import (
    Cohort,
    Consent,
    Enrolment,
    EnrolmentStage,
    Participant,
    Programme,
    ProgrammeKind,
)
from programmes.services.cohorts import cohort_create, enrolments_create
from programmes.services.participants import participant_codes_generate

from .models import Item, ItemKind, SurveyLink, Wave, WaveKind
from .services.responses import response_submit
from .services.waves import wave_close, wave_open

NAMES = {
    "nordby": [
        "Aisha",
        "Bo",
        "Cecilie",
        "Dennis",
        "Elif",
        "Frederik",
        "Gry",
        "Hamza",
        "Ida",
        "Jonas",
        "Karim",
        "Laura",
        "Mads",
        "Nour",
    ],
    "suedstadt": [
        "Ayla",
        "Ben",
        "Clara",
        "Deniz",
        "Emma",
        "Finn",
        "Gül",
        "Hannes",
        "Ida",
        "Jonas",
        "Kerem",
        "Lea",
        "Milan",
        "Nele",
    ],
}
COHORT_NAMES = {"nordby": "Ungdomsgruppen Nord (efterår)", "suedstadt": "Jugendgruppe Ost (Herbst)"}
# Mean change per scale from baseline to end, in points on the 1-5 scale: plausible, modest.
CHANGE = {
    "self_efficacy": 0.5,
    "belonging": 0.4,
    "institutional_trust": 0.15,
    "discrimination_attitudes": 0.3,
}
OPEN_TEXTS = [
    "A place to meet in the evening that is not a café.",
    "More young people in the local council's youth panel.",
    "Less trouble with the police at the station.",
    "Sports for girls at the weekend.",
    "That teachers listen more.",
    "Cheaper bus tickets.",
    "A room where we can make music.",
]


@register
def seed(*, organisation: Organisation, users: dict[str, Any], scale: int, stdout: Any) -> None:
    if Wave.objects.for_org(organisation).exists():
        return
    prevention = (
        Programme.objects.for_org(organisation).filter(kind=ProgrammeKind.PREVENTION).first()
    )
    if prevention is None:
        return
    rng = random.Random(organisation.slug)  # noqa: S311 - made-up answers, not a secret
    _finished_cohort(organisation, users, prevention, rng)
    _running_cohort(organisation, users, prevention, rng)
    stdout.write(f"  {organisation.slug}: questionnaire rounds with answers before and after")


def _finished_cohort(
    organisation: Organisation, users: dict[str, Any], programme: Programme, rng: random.Random
) -> None:
    today = timezone.localdate()
    starts_on = today - timedelta(days=200)
    cohort = cohort_create(
        organisation=organisation,
        programme=programme,
        name=COHORT_NAMES.get(organisation.slug, "Finished demo cohort"),
        starts_on=starts_on,
        ends_on=starts_on + timedelta(weeks=10),
        capacity=16,
        coordinator=users["coordinator"],
        trainer_ids=[users["trainer"].pk],
    )
    names = NAMES.get(organisation.slug, NAMES["nordby"])
    codes = participant_codes_generate(organisation=organisation, count=len(names))
    participants = Participant.objects.bulk_create(
        [
            Participant(
                organisation=organisation,
                display_name=name,
                code=code,
                birth_year=today.year - (14 if index < 3 else 17 + index % 5),
                guardian_name=f"Guardian of {name}" if index < 3 else "",
                preferred_language=organisation.language,
            )
            for index, (name, code) in enumerate(zip(names, codes, strict=True))
        ]
    )
    consents = []
    for index, participant in enumerate(participants):
        givers = ["guardian", "self"] if index < 3 else ["self"]
        for scope in ("participation", "evaluation"):
            # The last two declined the questionnaires: they take part, nobody asks them.
            if scope == "evaluation" and index >= len(participants) - 2:
                continue
            consents += [
                Consent(
                    organisation=organisation,
                    participant=participant,
                    scope=scope,
                    given_by=giver,
                    given_on=starts_on - timedelta(days=7),
                    recorded_by=users["coordinator"],
                )
                for giver in givers
            ]
    Consent.objects.bulk_create(consents)
    enrolments_create(
        organisation=organisation,
        cohort=cohort,
        participant_ids=[p.pk for p in participants],
        joined_on=starts_on,
    )
    enrolments = Enrolment.objects.for_org(organisation).filter(cohort=cohort)
    enrolments.update(stage=EnrolmentStage.COMPLETED)
    people = list(enrolments.order_by("participant_id"))
    # Each person's own starting point per scale, so that the pairs differ as real ones do.
    starting = {e.pk: {s: rng.uniform(2.2, 3.6) for s in CHANGE} for e in people}
    # Two answered only at baseline (dropped out of the questionnaire), one only at the end.
    baseline_only, end_only = {people[0].pk, people[4].pk}, {people[7].pk}
    for kind, offset, skip, moved in (
        (WaveKind.BASELINE, 0, end_only, False),
        (WaveKind.END, 70, baseline_only, True),
    ):
        wave = wave_open(
            organisation=organisation, cohort=cohort, kind=kind, actor=users["coordinator"]
        )
        _answer_round(organisation, wave, people, skip, starting, moved, rng)
        wave_close(organisation=organisation, wave=wave, actor=users["coordinator"])
        opened = timezone.now() - timedelta(days=200 - offset)
        Wave.objects.for_org(organisation).filter(pk=wave.pk).update(
            opened_at=opened, closed_at=opened + timedelta(days=6)
        )


def _answer_round(
    organisation: Organisation,
    wave: Wave,
    people: list[Enrolment],
    skip: set[int],
    starting: dict[int, dict[str, float]],
    after: bool,
    rng: random.Random,
) -> None:
    items = list(Item.objects.for_org(organisation).filter(instrument_id=wave.instrument_id))
    links = {
        link.enrolment_id: link
        for link in SurveyLink.objects.for_org(organisation)
        .filter(wave=wave)
        .select_related("wave")
    }
    for number, enrolment in enumerate(people):
        link = links.get(enrolment.pk)
        if link is None or enrolment.pk in skip:
            continue
        answers: dict[int, Any] = {}
        for item in items:
            if item.kind == ItemKind.OPEN:
                if item.key == "open_change" and number % 2 == 0:
                    answers[item.pk] = OPEN_TEXTS[number // 2 % len(OPEN_TEXTS)]
                continue
            if rng.random() < 0.05:
                continue  # a skipped question now and then
            level = starting[enrolment.pk][item.scale]
            if after:
                level += CHANGE[item.scale] + rng.gauss(0, 0.45)
            value = min(5, max(1, round(level + rng.gauss(0, 0.5))))
            answers[item.pk] = 6 - value if item.reverse else value
        response_submit(organisation=organisation, link=link, answers=answers)


def _running_cohort(
    organisation: Organisation, users: dict[str, Any], programme: Programme, rng: random.Random
) -> None:
    """The demo cohort that is running: evaluation consent for all but two, baseline open,
    half of them answered, so that the codes and the trainer's device mode have people."""
    cohort = (
        Cohort.objects.for_org(organisation)
        .filter(programme=programme, ends_on__gte=timezone.localdate())
        .order_by("starts_on")
        .first()
    )
    if cohort is None:
        return
    enrolments = list(
        Enrolment.objects.for_org(organisation)
        .filter(cohort=cohort)
        .select_related("participant")
        .order_by("participant_id")
    )
    consents = [
        Consent(
            organisation=organisation,
            participant=enrolment.participant,
            scope="evaluation",
            given_by=giver,
            given_on=cohort.starts_on - timedelta(days=7),
            recorded_by=users["coordinator"],
        )
        for index, enrolment in enumerate(enrolments[:-2])
        for giver in (["guardian", "self"] if index < 2 else ["self"])
    ]
    Consent.objects.bulk_create(consents)
    wave = wave_open(
        organisation=organisation, cohort=cohort, kind=WaveKind.BASELINE, actor=users["coordinator"]
    )
    answering = enrolments[: len(enrolments) // 2]
    starting = {e.pk: {s: rng.uniform(2.2, 3.6) for s in CHANGE} for e in answering}
    _answer_round(organisation, wave, answering, set(), starting, False, rng)
