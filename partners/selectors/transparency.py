"""What each partner may receive today, for the transparency page and the consent form
(cocora.privacy.transparency). The same rules as `sharing_decision`, read for every partner at
once: only active partners with an agreement in force; a class the agreement does not list is
never shared; named information only while the partner's integrity check holds."""

from datetime import date

from django.db.models import Prefetch

from cocora.organisations.models import Organisation
from cocora.privacy.transparency import PartnerSharing

from ..models import (
    NAMED_CLASSES,
    Agreement,
    InformationClass,
    PartnerKind,
    PartnerStatus,
    SharingLevel,
    SharingRule,
)
from .partners import partner_rows


def partner_sharing_facts(*, organisation: Organisation, today: date) -> list[PartnerSharing]:
    """Partners by name with the classes they may receive without asking and with consent.
    Three queries whatever the number of partners (agreements, their rules, latest checks)."""
    agreements = list(
        Agreement.objects.for_org(organisation)
        .filter(partner__status=PartnerStatus.ACTIVE, starts_on__lte=today)
        .select_related("partner")
        .prefetch_related(Prefetch("rules", queryset=SharingRule.objects.for_org(organisation)))
        .order_by("partner__name", "pk")
    )
    rows = partner_rows(
        organisation=organisation, partners=[a.partner for a in agreements], today=today
    )
    cleared = {row.partner.pk for row in rows if row.status.clears_named_sharing}
    facts = []
    for agreement in agreements:
        levels = {rule.information_class: rule.level for rule in agreement.rules.all()}
        receives: dict[str, list[str]] = {SharingLevel.ALLOWED: [], SharingLevel.WITH_CONSENT: []}
        for information_class in InformationClass:
            if information_class in NAMED_CLASSES and agreement.partner_id not in cleared:
                continue  # suspended until a new integrity check passes
            level = levels.get(information_class.value, SharingLevel.NEVER)
            if level in receives:
                receives[level].append(str(information_class.label))
        if not any(receives.values()):
            continue
        facts.append(
            PartnerSharing(
                partner=agreement.partner.name,
                kind=str(PartnerKind(agreement.partner.kind).label),
                purpose=agreement.purpose,
                allowed=receives[SharingLevel.ALLOWED],
                with_consent=receives[SharingLevel.WITH_CONSENT],
            )
        )
    return facts
