"""Demo data of the training app (see the seed_demo command): a train-the-trainer course
required of the Prevention Programme's trainers with a refresher every 6 months, and a basic
course for ambassadors. In nordby the demo trainer's refresher is overdue (the cohort they train
shows the warning, the coordinator's home lists it) and the ambassador's is due within the
month; in suedstadt the trainer's refresher is due soon. Runs after the other seeders."""

from datetime import timedelta
from typing import Any

from ambassadors.models import Ambassador
from cocora.core.dates import organisation_today
from cocora.organisations.demo_registry import register
from cocora.organisations.models import Membership, Organisation

from . import services
from .models import Course, TrainedRole

# What the demo organisations wrote, in their own language (English for any other).
TEXTS = {
    "en": {
        "ttt": "Train-the-trainer: self-including citizenship",
        "ttt_description": "Three days on the methods of the Prevention Programme, then a "
        "refresher day every half year.",
        "basics": "Peer ambassador basics",
        "basics_description": "Listening, boundaries, when to hand over to a professional.",
        "note": "Held at the youth house.",
    },
    "da": {
        "ttt": "Træn-træneren: selvinkluderende medborgerskab",
        "ttt_description": "Tre dage om forebyggelsesprogrammets metoder, derefter en "
        "opfølgningsdag hvert halve år.",
        "basics": "Grundkursus for ambassadører",
        "basics_description": "At lytte, at sætte grænser, hvornår en fagperson tager over.",
        "note": "Afholdt i ungdomshuset.",
    },
    "de": {
        "ttt": "Multiplikatorenschulung: selbst-inkludierende Bürgerschaft",
        "ttt_description": "Drei Tage zu den Methoden des Präventionsprogramms, danach jedes "
        "halbe Jahr ein Auffrischungstag.",
        "basics": "Grundkurs für Botschafterinnen und Botschafter",
        "basics_description": "Zuhören, Grenzen setzen, wann eine Fachkraft übernimmt.",
        "note": "Im Jugendhaus durchgeführt.",
    },
}


@register
def seed(*, organisation: Organisation, users: dict[str, Any], scale: int, stdout: Any) -> None:
    texts = TEXTS.get(organisation.language, TEXTS["en"])
    if Course.objects.for_org(organisation).filter(name=texts["ttt"]).exists():
        return
    today = organisation_today(organisation)
    coordinator = users["coordinator"]
    ttt = services.course_create(
        organisation=organisation,
        name=texts["ttt"],
        description=texts["ttt_description"],
        hours=21,
        roles=[TrainedRole.TRAINER],
        programme_kinds=["prevention"],
        refresher_months=6,
        required_for_trainers=True,
        actor=coordinator,
    )
    basics = services.course_create(
        organisation=organisation,
        name=texts["basics"],
        description=texts["basics_description"],
        hours=8,
        roles=[TrainedRole.AMBASSADOR],
        programme_kinds=["ambassador"],
        refresher_months=12,
        actor=coordinator,
    )
    members = {
        m.role: m
        for m in Membership.objects.for_org(organisation).filter(
            user__in=[users["trainer"], users["coordinator"]]
        )
    }
    # nordby: the trainer's last course was eight months ago, past its 6-month refresher.
    # suedstadt: five and a half months ago, so the refresher falls due within the month.
    trainer_weeks = 35 if organisation.slug == "nordby" else 24
    for role, weeks in (("trainer", trainer_weeks), ("coordinator", 8)):
        services.training_record_create_many(
            organisation=organisation,
            course=ttt,
            completed_on=today - timedelta(weeks=weeks),
            memberships=[members[role]],
            note=texts["note"],
            actor=coordinator,
        )
    ambassador = Ambassador.objects.for_org(organisation).filter(user=users["ambassador"]).first()
    if ambassador is not None:
        services.training_record_create_many(
            organisation=organisation,
            course=basics,
            completed_on=today - timedelta(weeks=50),
            ambassadors=[ambassador],
            actor=coordinator,
        )
    stdout.write(f"  {organisation.slug}: training courses and who completed them")
