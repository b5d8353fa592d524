"""Reads of disclosures and consents to share, for a participant's page."""

from typing import Any

from django.db.models import QuerySet

from cocora.organisations.models import Organisation
from programmes.models import Participant

from ..models import Disclosure, PartnerOrganisation, SharingConsent
from ..services.checks import organisation_today


def participant_sharing(*, organisation: Organisation, participant: Participant) -> dict[str, Any]:
    """A young person's disclosure history and consents to share: two queries."""
    today = organisation_today(organisation)
    consents = list(
        SharingConsent.objects.for_org(organisation)
        .filter(participant=participant)
        .select_related("partner", "recorded_by")
        .order_by("-given_on", "-pk")
    )
    for consent in consents:
        consent.in_force = consent.withdrawn_at is None and consent.given_on <= today  # type: ignore[attr-defined]
    return {
        "disclosures": list(
            Disclosure.objects.for_org(organisation)
            .filter(participant=participant)
            .select_related("partner", "disclosed_by")
            .order_by("-disclosed_at", "-pk")
        ),
        "sharing_consents": consents,
        "today": today,
    }


def partners_for_sharing(*, organisation: Organisation) -> list[PartnerOrganisation]:
    """Every partner, ended ones included: the service says why it will not share with them."""
    return list(PartnerOrganisation.objects.for_org(organisation).order_by("name"))


def disclosure_queryset(*, organisation: Organisation) -> QuerySet[Disclosure]:
    """Every disclosure, the latest first: one query. Ids only, no join: a list of disclosures
    names no young person."""
    return Disclosure.objects.for_org(organisation).order_by("-disclosed_at", "-pk")
