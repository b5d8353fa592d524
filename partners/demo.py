"""Demo data of the partners app (see the seed_demo command): five partners per demo organisation
across kinds, with agreements, checks (one review overdue), a few joint activities with
follow-ups, the demo partner user linked to the first partner's contact, and that partner's
proposals: one accepted, one declined, two waiting (an activity with a thread of comments, and
a change to a module of the Prevention Programme)."""

from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone

from cocora.organisations.demo_registry import register
from cocora.organisations.models import Organisation
from programmes.models import Module, Programme, ProgrammeKind

from .models import PartnerOrganisation
from .services.agreements import agreement_save
from .services.checks import integrity_check_record, organisation_today
from .services.collaboration import collaboration_activity_create, follow_up_create
from .services.directory import partner_contact_create, partner_create
from .services.proposals import (
    proposal_accept,
    proposal_comment_add,
    proposal_create,
    proposal_decline,
)

# name, kind, status, communities, languages, contact, contact role, check: days ago or None
PARTNERS: dict[str, list[tuple[str, str, str, str, str, str, str, int | None]]] = {
    "nordby": [
        (
            "FC Nordby Ungdom",
            "association",
            "active",
            "Unge fra Vestbyen og Søndermarken, mange med rødder i Mellemøsten og Østafrika.",
            "Dansk, arabisk, somali",
            "Hassan Jama",
            "Ungdomstræner",
            40,
        ),
        (
            "Nordby Moské- og Kulturforening",
            "religious",
            "active",
            "Familier i Vestbyen; fredagsbøn, lektiecafé og kvindegruppe.",
            "Dansk, arabisk, tyrkisk",
            "Imran Akhtar",
            "Formand",
            120,
        ),
        (
            "Vestskolen",
            "school",
            "active",
            "Elever i 7.–10. klasse fra hele den vestlige bydel.",
            "Dansk",
            "Lene Holm",
            "Skolevejleder",
            400,  # last checked over a year ago: review overdue
        ),
        (
            "SSP Nordby",
            "municipal",
            "active",
            "Kommunens samarbejde mellem skole, socialforvaltning og politi.",
            "Dansk",
            "Mikkel Sørensen",
            "SSP-konsulent",
            200,
        ),
        (
            "Klubben Søndermarken",
            "youth_club",
            "prospective",
            "Unge 13–18 år i Søndermarken; aftenklub og sommerture.",
            "Dansk",
            "Sanne Bech",
            "Klubleder",
            None,
        ),
    ],
    "suedstadt": [
        (
            "Deutsch-Türkischer Kulturverein Südstadt",
            "association",
            "active",
            "Familien aus der Südstadt, Jugendgruppe und Hausaufgabenhilfe.",
            "Deutsch, Türkisch",
            "Emre Yilmaz",
            "Vorsitzender",
            60,
        ),
        (
            "Evangelische Jugend Südstadt",
            "religious",
            "active",
            "Jugendliche aus der Gemeinde und dem Viertel, offene Abende.",
            "Deutsch",
            "Katrin Weber",
            "Diakonin",
            150,
        ),
        (
            "Gesamtschule Südstadt",
            "school",
            "active",
            "Schülerinnen und Schüler der Klassen 7 bis 10.",
            "Deutsch",
            "Markus Braun",
            "Schulsozialarbeit",
            420,  # last checked over a year ago: review overdue
        ),
        (
            "Jugendtreff Am Markt",
            "youth_club",
            "active",
            "Offener Treff für 12- bis 21-Jährige rund um den Marktplatz.",
            "Deutsch, Arabisch",
            "Samira Haddad",
            "Leitung",
            90,
        ),
        (
            "Stadt Südstadt, Jugendamt",
            "municipal",
            "prospective",
            "Kommunale Jugendhilfe für den Stadtteil.",
            "Deutsch",
            "Jens Hoffmann",
            "Sachgebietsleitung",
            None,
        ),
    ],
}
PURPOSE = {
    "nordby": "Fælles dialogmøder og aktiviteter for unge i bydelen, og gensidig henvisning "
    "af unge der ønsker at deltage.",
    "suedstadt": "Gemeinsame Dialogabende und Aktionen für Jugendliche im Viertel; "
    "gegenseitige Vermittlung von Jugendlichen, die teilnehmen möchten.",
}
# What was agreed at a held activity, and its two follow-ups, as the coordinator wrote them.
AGREED = {
    "nordby": (
        "Næste møde om to måneder; referat til alle partnere.",
        "Referat til alle partnere",
        "Invitér forældrene til næste møde",
    ),
    "suedstadt": (
        "Nächstes Treffen in zwei Monaten; Protokoll an alle Partner.",
        "Protokoll an alle Partner",
        "Eltern zum nächsten Treffen einladen",
    ),
}
ACTIVITIES = {
    "nordby": [
        ("dialogue", "Dialogmøde om tryghed i Vestbyen", "Kulturhuset Vest", -30, (0, 1, 3)),
        ("joint_event", "Fodboldturnering og grillaften", "Nordby Stadion", -12, (0, 3)),
        ("planning", "Planlægning af efterårets forløb", "Ungdomsskolen", 10, (1, 2)),
    ],
    "suedstadt": [
        ("dialogue", "Dialogabend: Zusammenleben im Viertel", "Gemeindesaal", -28, (0, 1, 3)),
        ("co_facilitated", "Workshop Demokratie und Rechte", "Jugendtreff Am Markt", -9, (0, 3)),
        ("planning", "Planung der Herbstreihe", "Südstadt Miteinander", 12, (1, 2)),
    ],
}


@register
def seed(*, organisation: Organisation, users: dict[str, Any], scale: int, stdout: Any) -> None:
    if PartnerOrganisation.objects.for_org(organisation).exists():
        return
    _seed_partners(organisation, users)
    _seed_proposals(organisation, users)
    stdout.write(
        f"  {organisation.slug}: five partners, agreements, checks, three activities, proposals"
    )


def _seed_partners(organisation: Organisation, users: dict[str, Any]) -> None:
    coordinator = users["coordinator"]
    today = organisation_today(organisation)
    specs = PARTNERS.get(organisation.slug, PARTNERS["nordby"])
    partners = []
    for index, (name, kind, status, communities, languages, contact, role, days) in enumerate(
        specs
    ):
        partner = partner_create(
            organisation=organisation,
            actor=coordinator,
            name=name,
            kind=kind,
            status=status,
            communities_served=communities,
            languages=languages,
        )
        partners.append(partner)
        partner_contact_create(
            organisation=organisation,
            partner=partner,
            # The demo partner user speaks for the first partner.
            user=users["partner"] if index == 0 else None,
            actor=coordinator,
            name=contact,
            role=role,
            email=f"{contact.split()[0].lower()}@partner.example",
            preferred_language=organisation.language,
        )
        if days is None:
            continue
        checked_on = today - timedelta(days=days)
        agreement_save(
            organisation=organisation,
            partner=partner,
            purpose=PURPOSE.get(organisation.slug, PURPOSE["nordby"]),
            starts_on=checked_on + timedelta(days=7),
            review_on=checked_on + timedelta(days=7 + 365),
            signed_for_us_by=str(coordinator),
            signed_for_partner_by=contact,
            signed_on=checked_on + timedelta(days=7),
            # The first partner may also see session dates; the rest keep the strict defaults.
            matrix={"session_dates": "allowed"} if index == 0 else None,
            actor=coordinator,
        )
        integrity_check_record(
            organisation=organisation,
            partner=partner,
            checked_on=checked_on,
            outcome="passed" if index != 3 else "conditions",
            reviewer=coordinator,
            checklist={
                "governance_known": True,
                "safeguarding_policy_seen": True,
                "named_contact": True,
                "code_of_conduct_agreed": True,
                "no_conflicting_activities": True,
            },
            informed_on=checked_on,
            informed_how="meeting",
            actor=coordinator,
        )
    programme = (
        Programme.objects.for_org(organisation).filter(kind=ProgrammeKind.COLLABORATIVE).first()
    )
    agreed, minutes, invite = AGREED.get(organisation.slug, AGREED["nordby"])
    for kind, title, place, offset, partner_indexes in ACTIVITIES.get(
        organisation.slug, ACTIVITIES["nordby"]
    ):
        held_at = timezone.make_aware(datetime.combine(today + timedelta(days=offset), time(17, 0)))
        activity = collaboration_activity_create(
            organisation=organisation,
            partner_ids=[partners[i].pk for i in partner_indexes],
            actor=coordinator,
            kind=kind,
            title=title,
            held_at=held_at,
            place=place,
            programme=programme,
            community_members=18 if offset < 0 else 0,
            professionals=4 if offset < 0 else 0,
            agreed="" if offset > 0 else agreed,
        )
        if offset < 0:
            follow_up_create(
                organisation=organisation,
                activity=activity,
                description=minutes,
                due_on=today + timedelta(days=offset + 7),
                owner=coordinator,
                actor=coordinator,
            )
            follow_up_create(
                organisation=organisation,
                activity=activity,
                description=invite,
                due_on=today + timedelta(days=21),
                owner_partner=partners[partner_indexes[0]],
                actor=coordinator,
            )


# The first partner's proposals, in the organisation's language: (title, reason) of an activity
# waiting with its thread, a follow-up accepted, an activity declined with its reason, and the
# suggested addition to a module.
PROPOSALS = {
    "nordby": {
        "waiting": (
            "Forældreaften i klubhuset",
            "Flere forældre har spurgt, hvad de unge laver i forløbet.",
            "Kan vi holde den en fredag efter træning?",
            "Fredag passer fint. Vi tager kaffe og kage med.",
        ),
        "follow_up": ("Del billeder fra turneringen (kun med samtykke)", "Til klubbens blad."),
        "declined": (
            "Fælles tur til Christiansborg",
            "Vi har allerede et besøg i byrådet i samme uge; lad os tale om foråret.",
        ),
        "curriculum": (
            "Tilføj et eksempel fra foreningslivet",
            "\n\n**Eksempel:** Et fodboldhold, hvor de unge selv vælger kaptajn og regler.",
            "De unge kender det fra klubben; det gør emnet konkret.",
        ),
    },
    "suedstadt": {
        "waiting": (
            "Elternabend im Vereinsheim",
            "Mehrere Eltern haben gefragt, was die Jugendlichen im Kurs machen.",
            "Ginge ein Freitag nach dem Training?",
            "Freitag passt gut. Wir bringen Kaffee und Kuchen mit.",
        ),
        "follow_up": ("Fotos vom Abend teilen (nur mit Einwilligung)", "Für die Vereinszeitung."),
        "declined": (
            "Gemeinsamer Ausflug in den Landtag",
            "In derselben Woche besuchen wir schon den Stadtrat; sprechen wir über das Frühjahr.",
        ),
        "curriculum": (
            "Ein Beispiel aus dem Vereinsleben ergänzen",
            "\n\n**Beispiel:** Eine Mannschaft, in der die Jugendlichen Kapitän und Regeln "
            "selbst wählen.",
            "Die Jugendlichen kennen das aus dem Verein; das macht das Thema greifbar.",
        ),
    },
}


def _seed_proposals(organisation: Organisation, users: dict[str, Any]) -> None:
    partner_user, coordinator = users["partner"], users["coordinator"]
    texts = PROPOSALS.get(organisation.slug, PROPOSALS["nordby"])
    today = organisation_today(organisation)
    held_at = timezone.make_aware(datetime.combine(today + timedelta(days=24), time(18, 0)))
    title, reason, question, answer = texts["waiting"]
    waiting = proposal_create(
        organisation=organisation,
        actor=partner_user,
        kind="activity",
        title=title,
        reason=reason,
        collaboration_kind="dialogue",
        held_at=held_at,
    )
    proposal_comment_add(
        organisation=organisation, proposal=waiting, actor=partner_user, text=question
    )
    proposal_comment_add(
        organisation=organisation, proposal=waiting, actor=coordinator, text=answer
    )
    activity = (
        PartnerOrganisation.objects.for_org(organisation)
        .get(contacts__user=partner_user)
        .activity_links.filter(activity__held_at__lt=timezone.now())
        .order_by("activity__held_at")
        .first()
    )
    if activity is not None:
        title, reason = texts["follow_up"]
        follow_up = proposal_create(
            organisation=organisation,
            actor=partner_user,
            kind="follow_up",
            title=title,
            reason=reason,
            follow_up_of=activity.activity,
            due_on=today + timedelta(days=10),
        )
        proposal_accept(organisation=organisation, proposal=follow_up, actor=coordinator)
    title, reason = texts["declined"]
    declined = proposal_create(
        organisation=organisation,
        actor=partner_user,
        kind="activity",
        title=title,
        collaboration_kind="visit",
        held_at=held_at + timedelta(days=3),
    )
    proposal_decline(organisation=organisation, proposal=declined, actor=coordinator, reason=reason)
    module = (
        Module.objects.for_org(organisation)
        .filter(programme__kind=ProgrammeKind.PREVENTION, programme__archived_at__isnull=True)
        .order_by("programme_id", "position")
        .first()
    )
    if module is not None:
        reason_title, addition, reason = texts["curriculum"]
        proposal_create(
            organisation=organisation,
            actor=partner_user,
            kind="curriculum",
            title=module.title,
            text=module.content_md + addition,
            reason=f"{reason_title}. {reason}",
            module=module,
        )
