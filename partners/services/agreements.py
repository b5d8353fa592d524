"""Agreements with partners and their sharing matrix."""

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from cocora.audit.services import audit_record
from cocora.core.dates import check_plausible_dates
from cocora.core.errors import ApplicationError
from cocora.core.text import text_value_check
from cocora.organisations.models import Organisation

from ..models import (
    DEFAULT_MATRIX,
    Agreement,
    InformationClass,
    PartnerOrganisation,
    SharingLevel,
    SharingRule,
)

AGREEMENT_FIELDS = (
    "purpose",
    "starts_on",
    "review_on",
    "signed_for_us_by",
    "signed_for_partner_by",
    "signed_on",
)


def _check_matrix(matrix: Mapping[str, Any]) -> dict[str, tuple[str, str]]:
    """The matrix as {class: (level, purpose)}, every class present; missing classes take the
    strict default. A value outside the three levels is refused, naming the class."""
    unknown = set(matrix) - set(InformationClass.values)
    if unknown:
        raise ApplicationError(_("The sharing matrix names an unknown kind of information."))
    checked: dict[str, tuple[str, str]] = {}
    for information_class in InformationClass:
        value = matrix.get(information_class.value, DEFAULT_MATRIX[information_class])
        level, purpose = value if isinstance(value, tuple) else (value, "")
        if level not in SharingLevel.values:
            raise ApplicationError(
                _("“%(information)s”: choose never, with consent, or allowed.")
                % {"information": information_class.label},
                field=f"level_{information_class.value}",
            )
        purpose = str(purpose or "").strip()
        # Refused, not cut: a purpose cut short can say something else than was agreed.
        text_value_check(
            SharingRule._meta.get_field("purpose"),
            purpose,
            label=information_class.label,
            form_field=f"purpose_{information_class.value}",
        )
        checked[information_class.value] = (level, purpose)
    return checked


@transaction.atomic
def agreement_save(
    *,
    organisation: Organisation,
    partner: PartnerOrganisation,
    purpose: str,
    starts_on: date,
    review_on: date | None = None,
    signed_for_us_by: str = "",
    signed_for_partner_by: str = "",
    signed_on: date | None = None,
    matrix: Mapping[str, Any] | None = None,
    actor: Any = None,
) -> Agreement:
    """Creates the partner's agreement, or changes it. `matrix` maps information classes to a
    level or (level, purpose); classes left out keep their current value (the strict default
    for a new agreement). The change of each cell is written to the audit trail."""
    if partner.organisation_id != organisation.pk:
        raise ApplicationError(_("This partner belongs to another organisation."))
    if not purpose.strip():
        raise ApplicationError(
            _("Say what the cooperation is for: the purpose is required."), field="purpose"
        )
    check_plausible_dates(starts_on=starts_on, review_on=review_on, signed_on=signed_on)
    if review_on is not None and review_on < starts_on:
        raise ApplicationError(
            _("The review date is before the start: check the dates."), field="review_on"
        )
    agreement = Agreement.objects.for_org(organisation).filter(partner=partner).first()
    existing: dict[str, SharingRule] = {}
    if agreement is not None:
        existing = {
            r.information_class: r
            for r in SharingRule.objects.for_org(organisation).filter(agreement=agreement)
        }
    current = {k: (r.level, r.purpose) for k, r in existing.items()}
    checked = _check_matrix({**current, **(matrix or {})})
    values = {
        "purpose": purpose.strip(),
        "starts_on": starts_on,
        "review_on": review_on,
        "signed_for_us_by": signed_for_us_by.strip(),
        "signed_for_partner_by": signed_for_partner_by.strip(),
        "signed_on": signed_on,
    }
    created = agreement is None
    if agreement is None:
        agreement = Agreement.objects.create(organisation=organisation, partner=partner, **values)
    else:
        for name, value in values.items():
            setattr(agreement, name, value)
        agreement.save(update_fields=[*values, "updated_at"])
    changed: dict[str, str] = {}
    to_create, to_update = [], []
    for information_class, (level, rule_purpose) in checked.items():
        rule = existing.get(information_class)
        if rule is None:
            to_create.append(
                SharingRule(
                    organisation=organisation,
                    agreement=agreement,
                    information_class=information_class,
                    level=level,
                    purpose=rule_purpose,
                )
            )
            changed[information_class] = level
        elif (rule.level, rule.purpose) != (level, rule_purpose):
            if rule.level != level:
                changed[information_class] = level
            rule.level, rule.purpose = level, rule_purpose
            to_update.append(rule)
    SharingRule.objects.bulk_create(to_create)
    SharingRule.objects.bulk_update(to_update, ["level", "purpose"])
    audit_record(
        organisation=organisation,
        actor=actor,
        action="agreement.created" if created else "agreement.updated",
        target=agreement,
        # Which cells changed to which level: the matrix is not personal data.
        details={"partner": partner.pk, "matrix_changes": changed},
    )
    return agreement


def agreement_create(
    *,
    organisation: Organisation,
    partner: PartnerOrganisation,
    purpose: str,
    starts_on: date,
    matrix: Mapping[str, Any] | None = None,
    actor: Any = None,
    **fields: Any,
) -> Agreement:
    """Creates a partner's agreement; refuses when the partner has one already (there is one
    agreement per partner, kept up to date). Classes left out of `matrix` take the strict
    defaults."""
    unknown = set(fields) - set(AGREEMENT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown agreement fields: {sorted(unknown)}")
    if partner.organisation_id != organisation.pk:
        raise ApplicationError(_("This partner belongs to another organisation."))
    if Agreement.objects.for_org(organisation).filter(partner=partner).exists():
        raise ApplicationError(
            _("%(partner)s has an agreement already: change that one.") % {"partner": partner.name},
            field="partner",
            code="duplicate",
        )
    return agreement_save(
        organisation=organisation,
        partner=partner,
        purpose=purpose,
        starts_on=starts_on,
        matrix=matrix,
        actor=actor,
        **fields,
    )


def agreement_update(
    *,
    organisation: Organisation,
    agreement: Agreement,
    matrix: Mapping[str, tuple[str, str | None]] | None = None,
    actor: Any = None,
    **fields: Any,
) -> Agreement:
    """Changes only the given fields and matrix cells (a partial change): every other value,
    and the purpose of a cell given as (level, None), stays as it is."""
    unknown = set(fields) - set(AGREEMENT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown agreement fields: {sorted(unknown)}")
    if agreement.organisation_id != organisation.pk:
        raise ApplicationError(_("This agreement belongs to another organisation."))
    values = {name: fields.get(name, getattr(agreement, name)) for name in AGREEMENT_FIELDS}
    cells: dict[str, Any] = {}
    if matrix:
        purposes = {
            rule.information_class: rule.purpose
            for rule in SharingRule.objects.for_org(organisation).filter(agreement=agreement)
        }
        for information_class, (level, purpose) in matrix.items():
            kept = purposes.get(information_class, "")
            cells[information_class] = (level, kept if purpose is None else purpose)
    return agreement_save(
        organisation=organisation,
        partner=agreement.partner,
        matrix=cells,
        actor=actor,
        **values,
    )
