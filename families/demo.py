"""Demo data of the families app (see the seed_demo command): in each demo organisation's
cohort a parents' evening two weeks ago with its counts and a family activity ahead, the
guardians invited to it, and a working link for the first guardian, printed on the console so
that the guardian's page can be opened. Runs after the programmes seeder."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from cocora.organisations.demo_registry import register
from cocora.organisations.models import Organisation
from programmes.demo import COHORT_NAMES
from programmes.models import Cohort, Programme, ProgrammeKind
from programmes.services.consent import consent_record

from . import services
from .links import link_secret, new_nonce, secret_hash
from .models import FamilyActivity, GuardianInvitation, GuardianLink
from .selectors import cohort_participants

# What the demo organisations wrote, in their own language (English for any other).
TEXTS = {
    "en": {
        "evening": "Parents' evening: meet the group",
        "evening_notes": "Presented the programme and the trainers; questions on the timetable.",
        "ahead": "Dialogue evening on online safety",
        "ahead_notes": "Families asked for this after the last parents' evening.",
        "venue": "Youth house, large room",
    },
    "da": {
        "evening": "Forældremøde: mød gruppen",
        "evening_notes": "Forløbet og trænerne blev præsenteret; spørgsmål om tidsplanen.",
        "ahead": "Dialogaften om sikkerhed på nettet",
        "ahead_notes": "Familierne ønskede det efter sidste forældremøde.",
        "venue": "Ungdomshuset, store sal",
    },
    "de": {
        "evening": "Elternabend: die Gruppe kennenlernen",
        "evening_notes": "Programm und Trainerinnen vorgestellt; Fragen zum Zeitplan.",
        "ahead": "Gesprächsabend zu Sicherheit im Netz",
        "ahead_notes": "Die Familien haben sich das beim letzten Elternabend gewünscht.",
        "venue": "Jugendzentrum Südstadt, großer Saal",
    },
}


@register
def seed(*, organisation: Organisation, users: dict[str, Any], scale: int, stdout: Any) -> None:
    if FamilyActivity.objects.for_org(organisation).exists():
        return
    prevention = (
        Programme.objects.for_org(organisation).filter(kind=ProgrammeKind.PREVENTION).first()
    )
    # The demo cohort of the programmes seeder (not the large one made for measuring).
    cohort = (
        Cohort.objects.for_org(organisation)
        .filter(programme=prevention, name=COHORT_NAMES.get(organisation.slug, "Demo cohort"))
        .first()
    )
    if cohort is None:
        return
    url = _seed(organisation, users["coordinator"], cohort)
    stdout.write(f"  {organisation.slug}: a parents' evening with counts, a family activity ahead")
    if url:
        stdout.write(f"    a guardian's page: {url}")


def _seed(organisation: Organisation, actor: Any, cohort: Cohort) -> str:
    text = TEXTS.get(organisation.language, TEXTS["en"])
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    evening_at = now - timedelta(days=14) + timedelta(hours=18 - timezone.localtime(now).hour)
    evening = services.family_activity_create(
        organisation=organisation,
        cohort=cohort,
        kind="parents_evening",
        title=text["evening"],
        starts_at=evening_at,
        ends_at=evening_at + timedelta(hours=2),
        venue=text["venue"],
        notes=text["evening_notes"],
        actor=actor,
    )
    services.family_activity_counts_record(
        organisation=organisation,
        activity=evening,
        adults_attended=9,
        young_people_attended=6,
        actor=actor,
    )
    ahead_at = evening_at + timedelta(days=24)
    ahead = services.family_activity_create(
        organisation=organisation,
        cohort=cohort,
        kind="dialogue_meeting",
        title=text["ahead"],
        starts_at=ahead_at,
        ends_at=ahead_at + timedelta(hours=2),
        venue=text["venue"],
        notes=text["ahead_notes"],
        actor=actor,
    )
    participants = [p for p in cohort_participants(organisation=organisation, cohort=cohort)]
    guardians = [p for p in participants if p.guardian_email]
    if not guardians:
        return ""
    # The second guardian agreed to be written to as well (the first young person did).
    for participant in guardians[1:2]:
        consent_record(
            organisation=organisation,
            participant=participant,
            scope="contact",
            given_by="guardian",
            given_on=cohort.starts_on - timedelta(days=7),
            actor=actor,
        )
    # The first guardian agreed to photos too: their page shows two consents to withdraw.
    consent_record(
        organisation=organisation,
        participant=guardians[0],
        scope="photos",
        given_by="guardian",
        given_on=cohort.starts_on - timedelta(days=7),
        actor=actor,
    )
    # Rows rather than the service: the demo sends no email. Invited a day ago, so that the
    # planner (which looks back two hours) leaves them alone too.
    a_day_ago = now - timedelta(days=1)
    GuardianInvitation.objects.bulk_create(
        GuardianInvitation(
            organisation=organisation,
            activity=ahead,
            participant=p,
            invited_by=actor,
            invited_at=a_day_ago,
        )
        for p in guardians
    )
    nonce = new_nonce()
    GuardianLink.objects.create(
        organisation=organisation,
        participant=guardians[0],
        nonce=nonce,
        token_hash=secret_hash(link_secret(nonce)),
        created_by=actor,
        created_at=a_day_ago,
        expires_at=a_day_ago + timedelta(days=services.LINK_VALID_DAYS),
    )
    path = reverse(
        "guardian_page",
        kwargs={"org_slug": organisation.slug, "guardian_token": link_secret(nonce)},
    )
    return settings.COCORA_BASE_URL.rstrip("/") + path
