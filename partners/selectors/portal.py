"""What a partner contact sees: their organisation, its activities, and only what its agreement
allows. Aggregates are counts; a young person's name appears only in a disclosure recorded to
this partner."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from cocora.core.dates import organisation_today
from cocora.organisations.models import Organisation
from programmes.models import (
    ATTENDING_STAGES,
    Cohort,
    Enrolment,
    Programme,
    Session,
    SessionStatus,
)

from ..models import (
    NAMED_CLASSES,
    CollaborationActivity,
    Disclosure,
    InformationClass,
    PartnerContact,
    PartnerOrganisation,
    SharingLevel,
)
from ..services.proposals import in_force
from .collaboration import partner_activity_queryset
from .partners import agreement_for, matrix_rows


@dataclass
class PortalDisclosure:
    disclosure: Disclosure
    # The young person's name, only for a class of information that names them.
    name: str


def portal_disclosure_rows(disclosures: Iterable[Disclosure]) -> list[PortalDisclosure]:
    """The disclosures as the partner sees them: a name only where the class names someone."""
    return [
        PortalDisclosure(
            disclosure=d,
            name=d.participant.display_name if d.information_class in NAMED_CLASSES else "",
        )
        for d in disclosures
    ]


@dataclass
class PartnerPortal:
    """The portal's reads. The two lists that grow with the partnership (activities, and what
    was shared) are querysets, newest first, for the page to read one page of each."""

    contact: PartnerContact
    partner: PartnerOrganisation
    allowed: set[str]
    activities: QuerySet[CollaborationActivity]
    disclosures: QuerySet[Disclosure]
    # Whether the agreement is in force today: the partner may propose (e.g. a follow-up of
    # one of its activities).
    in_force: bool = False
    programmes: list[Programme] | None = None
    figures: dict[str, int] | None = None
    sessions: list[Session] | None = None


def partner_contact_for_user(*, organisation: Organisation, user: Any) -> PartnerContact | None:
    return (
        PartnerContact.objects.for_org(organisation)
        .filter(user=user)
        .select_related("partner")
        .first()
    )


def aggregate_figures(*, organisation: Organisation) -> dict[str, int]:
    """Counts only: cohorts, young people taking part, sessions held."""
    sessions = Session.objects.for_org(organisation).aggregate(
        held=Count("pk", filter=Q(status=SessionStatus.HELD))
    )
    return {
        "cohorts": Cohort.objects.for_org(organisation).count(),
        "participants": Enrolment.objects.for_org(organisation)
        .filter(stage__in=ATTENDING_STAGES)
        .values("participant_id")
        .distinct()
        .count(),
        "sessions_held": sessions["held"],
    }


def partner_portal(*, organisation: Organisation, user: Any) -> PartnerPortal | None:
    """The partner page of a signed-in partner contact. Classes are shown only where the
    agreement says *allowed*: the portal never relies on consent, which is per young person."""
    contact = partner_contact_for_user(organisation=organisation, user=user)
    if contact is None:
        # A partner member whom nobody has linked to a contact yet sees nothing at all.
        return None
    partner = contact.partner
    agreement = agreement_for(organisation=organisation, partner=partner)
    allowed = (
        {
            r.information_class
            for r in matrix_rows(organisation=organisation, agreement=agreement)
            if r.level == SharingLevel.ALLOWED
        }
        if agreement is not None
        else set()
    )
    portal = PartnerPortal(
        contact=contact,
        partner=partner,
        allowed=allowed,
        activities=partner_activity_queryset(organisation=organisation, partner=partner),
        # The id breaks ties between disclosures made in the same instant, so that pages
        # neither repeat nor skip one.
        disclosures=Disclosure.objects.for_org(organisation)
        .filter(partner=partner)
        .select_related("participant")
        .order_by("-disclosed_at", "-pk"),
        in_force=in_force(agreement, partner=partner, today=organisation_today(organisation)),
    )
    if InformationClass.PROGRAMME_MATERIALS in allowed:
        portal.programmes = list(
            Programme.objects.for_org(organisation)
            .filter(archived_at__isnull=True)
            .only("title", "summary", "kind")
            .order_by("title")
        )
    if InformationClass.AGGREGATE_FIGURES in allowed:
        portal.figures = aggregate_figures(organisation=organisation)
    if InformationClass.SESSION_DATES in allowed:
        portal.sessions = list(
            Session.objects.for_org(organisation)
            .filter(starts_at__gte=timezone.now())
            .exclude(status=SessionStatus.CANCELLED)
            .only("starts_at", "ends_at", "venue")
            .order_by("starts_at")[:10]
        )
    return portal
