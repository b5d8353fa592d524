"""Disclosures: the one way information about a young person reaches a partner.

`disclosure_record` checks, in this order, the partner's status, the agreement's sharing matrix
for the class of information, the partner's integrity check (for named information) and, where
the agreement asks for it, the young person's consent to share. A refusal names every missing
piece. An admin may override a refusal (for example for someone's immediate safety) with a
written reason; the disclosure then carries the basis "override" and the audit line says so.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cocora.audit.services import audit_record
from cocora.core.dates import check_plausible_dates
from cocora.core.errors import ApplicationError
from cocora.organisations.models import Membership, Organisation
from cocora.organisations.permissions import can
from programmes.models import ConsentGiver, Participant
from programmes.services.consent import participant_needs_guardian

from ..models import (
    NAMED_CLASSES,
    Agreement,
    Disclosure,
    DisclosureBasis,
    InformationClass,
    PartnerOrganisation,
    PartnerStatus,
    SharingConsent,
    SharingLevel,
    SharingRule,
)
from .checks import check_status, latest_check, organisation_today


def sharing_consent_is_active(consent: SharingConsent, *, partner_id: int, today: date) -> bool:
    return (
        consent.withdrawn_at is None
        and consent.given_on <= today
        and consent.partner_id in (None, partner_id)
    )


def sharing_consent_missing(
    participant: Participant,
    consents: Iterable[SharingConsent],
    *,
    organisation: Organisation,
    partner: PartnerOrganisation,
    today: date,
) -> list[str]:
    """What is missing before information about this person may go to this partner on the
    basis of consent; an empty list when nothing is. The same age rule as taking part."""
    givers = {
        c.given_by
        for c in consents
        if sharing_consent_is_active(c, partner_id=partner.pk, today=today)
    }
    names = {"partner": partner.name}
    missing = []
    if participant_needs_guardian(participant, organisation=organisation, today=today):
        if ConsentGiver.GUARDIAN not in givers:
            missing.append(_("a parent's or guardian's consent to share with %(partner)s") % names)
        if ConsentGiver.SELF not in givers:
            missing.append(_("the young person's own agreement to share with %(partner)s") % names)
    elif ConsentGiver.SELF not in givers:
        missing.append(_("the young person's consent to share with %(partner)s") % names)
    return missing


@dataclass(frozen=True)
class SharingDecision:
    """Whether a disclosure may go ahead, on which basis, or what is missing."""

    basis: str | None
    missing: list[str]

    @property
    def allowed(self) -> bool:
        return not self.missing


def sharing_decision(
    *,
    organisation: Organisation,
    partner: PartnerOrganisation,
    participant: Participant,
    information_class: str,
    today: date | None = None,
) -> SharingDecision:
    """Applies every rule without writing anything: the partner's status, the agreement's
    matrix, the integrity check for named information, and consent where the matrix asks."""
    today = today or organisation_today(organisation)
    label = InformationClass(information_class).label
    names = {"partner": partner.name, "information": label}
    missing: list[str] = []
    if partner.status == PartnerStatus.ENDED:
        missing.append(_("the partnership with %(partner)s has ended") % names)
    elif partner.status == PartnerStatus.PAUSED:
        missing.append(_("the partnership with %(partner)s is paused") % names)
    elif partner.status == PartnerStatus.PROSPECTIVE:
        missing.append(_("%(partner)s is not an active partner yet") % names)

    agreement = Agreement.objects.for_org(organisation).filter(partner=partner).first()
    level = None
    if agreement is None:
        missing.append(_("there is no agreement with %(partner)s") % names)
    else:
        rule = (
            SharingRule.objects.for_org(organisation)
            .filter(agreement=agreement, information_class=information_class)
            .first()
        )
        level = rule.level if rule is not None else SharingLevel.NEVER
        if level == SharingLevel.NEVER:
            missing.append(
                _("the agreement with %(partner)s never allows sharing “%(information)s”") % names
            )

    if information_class in NAMED_CLASSES:
        refusal = check_status(
            latest_check(organisation=organisation, partner=partner), today=today
        ).refusal(partner)
        if refusal:
            missing.append(refusal)

    if level == SharingLevel.WITH_CONSENT:
        consents = SharingConsent.objects.for_org(organisation).filter(participant=participant)
        missing += sharing_consent_missing(
            participant, consents, organisation=organisation, partner=partner, today=today
        )

    basis = DisclosureBasis.CONSENT if level == SharingLevel.WITH_CONSENT else None
    if level == SharingLevel.ALLOWED:
        basis = DisclosureBasis.AGREEMENT
    return SharingDecision(basis=None if missing else basis, missing=missing)


def _membership(organisation: Organisation, actor: Any) -> Membership | None:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    return Membership.objects.for_org(organisation).filter(user=actor).first()


@transaction.atomic
def disclosure_record(
    *,
    organisation: Organisation,
    partner: PartnerOrganisation,
    participant: Participant,
    information_class: str,
    purpose: str,
    actor: Any,
    override_reason: str = "",
) -> Disclosure:
    """Shares one class of information about a young person with a partner, if every rule
    allows it (or an admin overrides with a reason), and records who, what, with whom, why and
    on which basis. Refuses with the missing pieces otherwise, and records nothing."""
    if partner.organisation_id != organisation.pk:
        raise ApplicationError(_("This partner belongs to another organisation."))
    if participant.organisation_id != organisation.pk:
        raise ApplicationError(_("This participant belongs to another organisation."))
    if information_class not in InformationClass.values:
        raise ApplicationError(
            _("Choose what kind of information is shared."), field="information_class"
        )
    purpose = purpose.strip()
    if not purpose:
        raise ApplicationError(
            _("Say why this is shared: the purpose is required."), field="purpose"
        )
    membership = _membership(organisation, actor)
    if not can(membership, "disclosures.record"):
        raise ApplicationError(_("Only admins and coordinators may share information."))
    override_reason = override_reason.strip()

    decision = sharing_decision(
        organisation=organisation,
        partner=partner,
        participant=participant,
        information_class=information_class,
    )
    basis: str
    if decision.allowed:
        assert decision.basis is not None  # an allowed decision always has its basis
        basis = decision.basis
        # Nothing to override: a reason given anyway is kept out of the record.
        override_reason = ""
    elif override_reason:
        if not can(membership, "disclosures.override"):
            raise ApplicationError(
                _("Only an admin can share despite a missing basis."), field="override_reason"
            )
        if partner.status == PartnerStatus.ENDED:
            # An ended partnership is not a partner any more; nobody overrides that.
            raise ApplicationError(
                _("Not shared: the partnership with %(partner)s has ended.")
                % {"partner": partner.name}
            )
        basis = DisclosureBasis.OVERRIDE
    else:
        raise ApplicationError(
            _("Not shared. Missing: %(missing)s.") % {"missing": "; ".join(decision.missing)},
            code="refused",
        )
    disclosure = Disclosure.objects.create(
        organisation=organisation,
        partner=partner,
        participant=participant,
        information_class=information_class,
        purpose=purpose,
        basis=basis,
        override_reason=override_reason,
        disclosed_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    # Ids, the class and the basis only: the purpose and reason stay in the encrypted record.
    details: dict[str, Any] = {
        "partner": partner.pk,
        "participant": participant.pk,
        "information_class": information_class,
        "basis": basis,
    }
    if basis == DisclosureBasis.OVERRIDE:
        details["override"] = True
        details["rules_overridden"] = len(decision.missing)
    audit_record(
        organisation=organisation,
        actor=actor,
        action="disclosure.override"
        if basis == DisclosureBasis.OVERRIDE
        else "disclosure.recorded",
        target=disclosure,
        details=details,
    )
    return disclosure


@transaction.atomic
def sharing_consent_record(
    *,
    organisation: Organisation,
    participant: Participant,
    given_by: str,
    given_on: date,
    partner: PartnerOrganisation | None = None,
    actor: Any = None,
) -> SharingConsent:
    """Records a consent to share information about the young person with one partner (or any
    partner whose agreement asks for consent)."""
    if participant.organisation_id != organisation.pk:
        raise ApplicationError(_("This participant belongs to another organisation."))
    if partner is not None and partner.organisation_id != organisation.pk:
        raise ApplicationError(_("This partner belongs to another organisation."))
    if given_by not in ConsentGiver.values:
        raise ApplicationError(_("Choose who gave the consent."), field="given_by")
    check_plausible_dates(given_on=given_on)
    if given_on > organisation_today(organisation):
        raise ApplicationError(_("A consent cannot be given in the future."), field="given_on")
    consent = SharingConsent.objects.create(
        organisation=organisation,
        participant=participant,
        partner=partner,
        given_by=given_by,
        given_on=given_on,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        organisation=organisation,
        actor=actor,
        action="sharing_consent.recorded",
        target=consent,
        details={
            "participant": participant.pk,
            "partner": partner.pk if partner else None,
            "given_by": given_by,
        },
    )
    return consent


@transaction.atomic
def sharing_consent_withdraw(
    *, organisation: Organisation, consent: SharingConsent, actor: Any = None
) -> SharingConsent:
    """Withdraws a consent to share, with immediate effect: no further disclosure rests on it.
    What was shared before stays in the record."""
    if consent.organisation_id != organisation.pk:
        raise ApplicationError(_("This consent belongs to another organisation."))
    if consent.withdrawn_at is not None:
        raise ApplicationError(_("This consent was withdrawn already."))
    consent.withdrawn_at = timezone.now()
    consent.save(update_fields=["withdrawn_at"])
    audit_record(
        organisation=organisation,
        actor=actor,
        action="sharing_consent.withdrawn",
        target=consent,
        details={"participant": consent.participant_id, "partner": consent.partner_id},
    )
    return consent
