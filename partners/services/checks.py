"""Integrity checks of partners, and what a partner's latest check means for sharing.

A check passes or passes with conditions; it holds until its next review date. Once that date
has passed (judged by the organisation's own calendar day) the partner shows as *review overdue*
and named information about young people is not shared with it until a new check passes.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cocora.audit.services import audit_record
from cocora.core.dates import check_plausible_dates, organisation_today
from cocora.core.errors import ApplicationError
from cocora.organisations.models import Organisation

from ..models import (
    PASSING_OUTCOMES,
    CheckOutcome,
    InformedHow,
    IntegrityCheck,
    PartnerOrganisation,
)

# The next review is due a year after a check, unless the reviewer sets another date.
REVIEW_AFTER = timedelta(days=365)


def default_next_review(checked_on: date) -> date:
    try:
        return checked_on.replace(year=checked_on.year + 1)
    except ValueError:  # 29 February
        return checked_on + REVIEW_AFTER


class CheckState:
    NEVER_CHECKED = "never_checked"
    NOT_PASSED = "not_passed"
    REVIEW_OVERDUE = "review_overdue"
    PASSED = "passed"


@dataclass(frozen=True)
class PartnerCheckStatus:
    state: str
    check: IntegrityCheck | None

    @property
    def clears_named_sharing(self) -> bool:
        return self.state == CheckState.PASSED

    @property
    def label(self) -> str:
        return {
            CheckState.NEVER_CHECKED: _("not checked yet"),
            CheckState.NOT_PASSED: _("check not passed"),
            CheckState.REVIEW_OVERDUE: _("review overdue"),
            CheckState.PASSED: _("checked"),
        }[self.state]

    def refusal(self, partner: PartnerOrganisation) -> str | None:
        """Why named information may not go to this partner, or None when it may."""
        if self.state == CheckState.NEVER_CHECKED:
            return _("%(partner)s has no integrity check on record") % {"partner": partner.name}
        if self.state == CheckState.NOT_PASSED:
            return _("%(partner)s did not pass its last integrity check") % {
                "partner": partner.name
            }
        if self.state == CheckState.REVIEW_OVERDUE:
            assert self.check is not None
            return _(
                "the integrity check of %(partner)s was due for review on %(date)s; record a "
                "new check first"
            ) % {"partner": partner.name, "date": date_format(self.check.next_review_on)}
        return None


def check_status(check: IntegrityCheck | None, *, today: date) -> PartnerCheckStatus:
    """What the latest check of a partner means on `today` (the organisation's date)."""
    if check is None:
        return PartnerCheckStatus(CheckState.NEVER_CHECKED, None)
    if check.outcome not in PASSING_OUTCOMES:
        return PartnerCheckStatus(CheckState.NOT_PASSED, check)
    if check.next_review_on < today:
        return PartnerCheckStatus(CheckState.REVIEW_OVERDUE, check)
    return PartnerCheckStatus(CheckState.PASSED, check)


def latest_check(
    *, organisation: Organisation, partner: PartnerOrganisation
) -> IntegrityCheck | None:
    return (
        IntegrityCheck.objects.for_org(organisation)
        .filter(partner=partner)
        .order_by("-checked_on", "-pk")
        .first()
    )


@transaction.atomic
def integrity_check_record(
    *,
    organisation: Organisation,
    partner: PartnerOrganisation,
    checked_on: date,
    outcome: str,
    reviewer: Any = None,
    checklist: dict[str, bool] | None = None,
    notes: str = "",
    next_review_on: date | None = None,
    informed_on: date | None = None,
    informed_how: str = "",
    actor: Any = None,
) -> IntegrityCheck:
    """Records a check. The next review defaults to a year later; a passing check lifts a
    suspension of named sharing at once."""
    if partner.organisation_id != organisation.pk:
        raise ApplicationError(_("This partner belongs to another organisation."))
    if outcome not in CheckOutcome.values:
        raise ApplicationError(_("Choose the outcome of the check."), field="outcome")
    check_plausible_dates(
        checked_on=checked_on, next_review_on=next_review_on, informed_on=informed_on
    )
    if checked_on > organisation_today(organisation):
        raise ApplicationError(_("A check cannot be dated in the future."), field="checked_on")
    next_review_on = next_review_on or default_next_review(checked_on)
    if next_review_on < checked_on:
        raise ApplicationError(
            _("The next review is before the check itself: choose a later date."),
            field="next_review_on",
        )
    _check_informed(checked_on, informed_on, informed_how)
    checklist = checklist or {}
    unknown = set(checklist) - set(IntegrityCheck.CHECKLIST)
    if unknown:
        raise TypeError(f"Unknown checklist items: {sorted(unknown)}")
    check = IntegrityCheck.objects.create(
        organisation=organisation,
        partner=partner,
        checked_on=checked_on,
        outcome=outcome,
        reviewer=reviewer,
        notes=notes.strip(),
        next_review_on=next_review_on,
        informed_on=informed_on,
        informed_how=informed_how,
        **{item: bool(checklist.get(item)) for item in IntegrityCheck.CHECKLIST},
    )
    audit_record(
        organisation=organisation,
        actor=actor,
        action="integrity_check.recorded",
        target=check,
        details={
            "partner": partner.pk,
            "outcome": outcome,
            "items_met": sum(1 for item in IntegrityCheck.CHECKLIST if checklist.get(item)),
        },
    )
    return check


def _check_informed(checked_on: date, informed_on: date | None, informed_how: str) -> None:
    if informed_how and informed_how not in InformedHow.values:
        raise ApplicationError(_("Choose how the partner was informed."), field="informed_how")
    if bool(informed_on) != bool(informed_how):
        raise ApplicationError(
            _("Give both the date and the way the partner was informed."),
            field="informed_on" if not informed_on else "informed_how",
        )


@transaction.atomic
def integrity_check_mark_informed(
    *,
    organisation: Organisation,
    check: IntegrityCheck,
    informed_on: date,
    informed_how: str,
    actor: Any = None,
) -> IntegrityCheck:
    """Records when and how the partner was told about the check and why it is done."""
    if check.organisation_id != organisation.pk:
        raise ApplicationError(_("This check belongs to another organisation."))
    if informed_on is None or not informed_how:
        raise ApplicationError(
            _("Give both the date and the way the partner was informed."), field="informed_on"
        )
    check_plausible_dates(informed_on=informed_on)
    _check_informed(check.checked_on, informed_on, informed_how)
    if informed_on > organisation_today(organisation):
        raise ApplicationError(_("This date is in the future."), field="informed_on")
    check.informed_on = informed_on
    check.informed_how = informed_how
    check.save(update_fields=["informed_on", "informed_how"])
    audit_record(
        organisation=organisation,
        actor=actor,
        action="integrity_check.partner_informed",
        target=check,
        details={"how": informed_how},
    )
    return check
