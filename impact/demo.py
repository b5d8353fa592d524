"""Demo data of the impact app (see the seed_demo command): objectives for the Prevention
Programme's demo cohort, one indicator on track (sessions held) and one behind (attendance
against a high target), an outcome indicator on self-efficacy, and a half-year funder report
with a narrative. Runs after the programmes, partners and ambassadors seeders."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

from cocora.core.dates import organisation_today
from cocora.organisations.demo_registry import register
from cocora.organisations.models import Organisation
from programmes.models import Cohort, Programme, ProgrammeKind

from . import services
from .models import Objective
from .outcomes import scale_choices

# What the demo organisations wrote, in their own language (English for any other).
TEXTS = {
    "en": {
        "meet": "Young people meet regularly",
        "meet_description": "A safe, regular space: the group meets every week and keeps coming.",
        "voice": "Young people trust their own voice",
        "voice_description": "Measured with the self-efficacy questions before and after.",
        "report": "Half-year report to the foundation",
        "narrative": """## What happened

The group met every week at the youth house. Young people chose the themes of two sessions
themselves, and a local association co-facilitated the session on belonging.

## What we learnt

- Evening sessions suit the group better than afternoons.
- Attendance dropped when school exams began: we plan around them next time.
""",
    },
    "da": {
        "meet": "De unge mødes regelmæssigt",
        "meet_description": (
            "Et trygt, fast sted: gruppen mødes hver uge og bliver ved med at komme."
        ),
        "voice": "De unge stoler på deres egen stemme",
        "voice_description": "Målt med spørgsmålene om tro på egne evner før og efter forløbet.",
        "report": "Halvårsrapport til fonden",
        "narrative": """## Hvad skete der

Gruppen mødtes hver uge i ungdomshuset. De unge valgte selv temaerne for to mødegange, og en
lokal forening var medfacilitator på mødegangen om at høre til.

## Hvad vi lærte

- Aftenmøder passer gruppen bedre end eftermiddage.
- Fremmødet faldt, da skolens eksaminer begyndte: næste gang planlægger vi efter dem.
""",
    },
    "de": {
        "meet": "Die Jugendlichen treffen sich regelmäßig",
        "meet_description": (
            "Ein sicherer, fester Ort: Die Gruppe trifft sich jede Woche und kommt wieder."
        ),
        "voice": "Die Jugendlichen trauen ihrer eigenen Stimme",
        "voice_description": "Gemessen mit den Fragen zur Selbstwirksamkeit vorher und nachher.",
        "report": "Halbjahresbericht an die Stiftung",
        "narrative": """## Was geschehen ist

Die Gruppe traf sich jede Woche im Jugendhaus. Die Jugendlichen wählten die Themen von zwei
Terminen selbst, und ein Verein aus dem Viertel hat den Termin zur Zugehörigkeit mitgestaltet.

## Was wir gelernt haben

- Abendtermine passen der Gruppe besser als Nachmittage.
- Als die Prüfungen in der Schule begannen, kamen weniger: Nächstes Mal planen wir sie ein.
""",
    },
}


@register
def seed(*, organisation: Organisation, users: dict[str, Any], scale: int, stdout: Any) -> None:
    if Objective.objects.for_org(organisation).exists():
        return
    prevention = (
        Programme.objects.for_org(organisation).filter(kind=ProgrammeKind.PREVENTION).first()
    )
    if prevention is None:
        return
    # The demo cohort of the programmes seeder: its first session four weeks ago.
    cohort = (
        Cohort.objects.for_org(organisation)
        .filter(programme=prevention, starts_on__lte=organisation_today(organisation))
        .order_by("-starts_on")
        .first()
    )
    if cohort is None:
        return
    _seed(organisation, users["coordinator"], prevention, cohort)
    stdout.write(f"  {organisation.slug}: objectives with indicators and a funder report")


def _seed(organisation: Organisation, actor: Any, programme: Programme, cohort: Cohort) -> None:
    text = TEXTS.get(organisation.language, TEXTS["en"])
    start = cohort.starts_on
    end = cohort.ends_on or start + timedelta(weeks=10)
    period = {"period_start": start, "period_end": end}
    meetings = services.objective_create(
        organisation=organisation,
        programme=programme,
        title=text["meet"],
        description=text["meet_description"],
        actor=actor,
    )
    # Four of ten sessions held four weeks in: ahead of the share of 8 due by now.
    services.indicator_create(
        organisation=organisation,
        objective=meetings,
        kind="output",
        metric="sessions_held",
        target=Decimal(8),
        **period,
        actor=actor,
    )
    # The demo attendance is about 91 %: behind this ambitious target.
    services.indicator_create(
        organisation=organisation,
        objective=meetings,
        kind="output",
        metric="attendance_rate",
        baseline=Decimal(80),
        target=Decimal(95),
        **period,
        actor=actor,
    )
    # Outcomes and the report look back half a year: the evaluation demo's finished cohort
    # answered its end round then.
    half_year = {"period_start": end - timedelta(days=240), "period_end": end}
    scales = {key for key, _label in scale_choices()}
    if "self_efficacy" in scales:
        confidence = services.objective_create(
            organisation=organisation,
            programme=programme,
            title=text["voice"],
            description=text["voice_description"],
            actor=actor,
        )
        services.indicator_create(
            organisation=organisation,
            objective=confidence,
            kind="outcome",
            scale="self_efficacy",
            target=Decimal("0.5"),
            **half_year,
            actor=actor,
        )
    services.funder_report_create(
        organisation=organisation,
        programme=programme,
        title=text["report"],
        narrative_md=text["narrative"],
        **half_year,
        actor=actor,
    )
