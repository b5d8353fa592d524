"""The partner directory: partner organisations and their contact people."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from cocora.audit.services import audit_record
from cocora.core.errors import ApplicationError
from cocora.organisations.models import Membership, Organisation, Role

from ..models import PartnerContact, PartnerKind, PartnerOrganisation, PartnerStatus

PARTNER_FIELDS = (
    "name",
    "kind",
    "communities_served",
    "languages",
    "address",
    "website",
    "status",
)
CONTACT_FIELDS = ("name", "role", "email", "phone", "preferred_language")


def _check_partner_fields(
    organisation: Organisation, fields: dict[str, Any], *, exclude_pk: int | None = None
) -> None:
    unknown = set(fields) - set(PARTNER_FIELDS)
    if unknown:
        raise TypeError(f"Unknown partner fields: {sorted(unknown)}")
    if "name" in fields:
        name = str(fields["name"]).strip()
        if not name:
            raise ApplicationError(_("Give the partner's name."), field="name")
        fields["name"] = name
        same = PartnerOrganisation.objects.for_org(organisation).filter(name__iexact=name)
        if exclude_pk is not None:
            same = same.exclude(pk=exclude_pk)
        if same.exists():
            raise ApplicationError(
                _("There is a partner called %(name)s already.") % {"name": name}, field="name"
            )
    if "kind" in fields and fields["kind"] not in PartnerKind.values:
        raise ApplicationError(_("Choose one of the listed kinds."), field="kind")
    if "status" in fields and fields["status"] not in PartnerStatus.values:
        raise ApplicationError(_("Choose one of the listed statuses."), field="status")


@transaction.atomic
def partner_create(
    *, organisation: Organisation, actor: Any = None, **fields: Any
) -> PartnerOrganisation:
    _check_partner_fields(organisation, fields)
    if "name" not in fields or "kind" not in fields:
        raise ApplicationError(_("Give the partner's name and kind."))
    partner = PartnerOrganisation.objects.create(organisation=organisation, **fields)
    audit_record(
        organisation=organisation,
        actor=actor,
        action="partner.created",
        target=partner,
        details={"kind": partner.kind, "status": partner.status},
    )
    return partner


@transaction.atomic
def partner_update(
    *,
    organisation: Organisation,
    partner: PartnerOrganisation,
    actor: Any = None,
    **fields: Any,
) -> PartnerOrganisation:
    """Changes a partner. A status change is written to the audit trail: pausing or ending a
    partnership suspends all sharing with it."""
    if partner.organisation_id != organisation.pk:
        raise ApplicationError(_("This partner belongs to another organisation."))
    _check_partner_fields(organisation, fields, exclude_pk=partner.pk)
    old_status = partner.status
    for name, value in fields.items():
        setattr(partner, name, value)
    partner.save(update_fields=[*fields, "updated_at"])
    audit_record(
        organisation=organisation,
        actor=actor,
        action="partner.updated",
        target=partner,
        details={"fields": sorted(fields)},
    )
    if partner.status != old_status:
        audit_record(
            organisation=organisation,
            actor=actor,
            action="partner.status_changed",
            target=partner,
            details={"from": old_status, "to": partner.status},
        )
    return partner


def _check_contact_user(
    organisation: Organisation, user: Any, *, exclude_pk: int | None = None
) -> None:
    if user is None:
        return
    is_partner_member = (
        Membership.objects.for_org(organisation).filter(user=user, role=Role.PARTNER).exists()
    )
    if not is_partner_member:
        raise ApplicationError(
            _("Only a member with the partner role can be linked to a partner contact."),
            field="user",
        )
    taken = PartnerContact.objects.for_org(organisation).filter(user=user)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise ApplicationError(
            _("This account is linked to another partner contact already."), field="user"
        )


def _check_contact_fields(fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(CONTACT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown contact fields: {sorted(unknown)}")
    if "name" in fields:
        fields["name"] = str(fields["name"]).strip()
        if not fields["name"]:
            raise ApplicationError(_("Give the contact's name."), field="name")


@transaction.atomic
def partner_contact_create(
    *,
    organisation: Organisation,
    partner: PartnerOrganisation,
    user: Any = None,
    actor: Any = None,
    **fields: Any,
) -> PartnerContact:
    if partner.organisation_id != organisation.pk:
        raise ApplicationError(_("This partner belongs to another organisation."))
    _check_contact_fields(fields)
    if "name" not in fields:
        raise ApplicationError(_("Give the contact's name."), field="name")
    _check_contact_user(organisation, user)
    contact = PartnerContact.objects.create(
        organisation=organisation, partner=partner, user=user, **fields
    )
    audit_record(
        organisation=organisation,
        actor=actor,
        action="partner_contact.created",
        target=contact,
        details={"partner": partner.pk, "linked_account": user is not None},
    )
    return contact


@transaction.atomic
def partner_contact_update(
    *,
    organisation: Organisation,
    contact: PartnerContact,
    user: Any = None,
    actor: Any = None,
    **fields: Any,
) -> PartnerContact:
    """Changes a contact; linking or unlinking a sign-in account changes what that person sees
    and is written to the audit trail."""
    if contact.organisation_id != organisation.pk:
        raise ApplicationError(_("This contact belongs to another organisation."))
    _check_contact_fields(fields)
    if user is not None and user.pk != contact.user_id:
        _check_contact_user(organisation, user, exclude_pk=contact.pk)
    old_user_id = contact.user_id
    for name, value in fields.items():
        setattr(contact, name, value)
    contact.user = user
    contact.save(update_fields=[*fields, "user"])
    audit_record(
        organisation=organisation,
        actor=actor,
        action="partner_contact.updated",
        target=contact,
        details={"fields": sorted(fields)},
    )
    if contact.user_id != old_user_id:
        audit_record(
            organisation=organisation,
            actor=actor,
            action="partner_contact.account_changed",
            target=contact,
            details={"from": old_user_id, "to": contact.user_id},
        )
    return contact


@transaction.atomic
def partner_contact_delete(
    *, organisation: Organisation, contact: PartnerContact, actor: Any = None
) -> None:
    if contact.organisation_id != organisation.pk:
        raise ApplicationError(_("This contact belongs to another organisation."))
    audit_record(
        organisation=organisation,
        actor=actor,
        action="partner_contact.deleted",
        target=contact,
        details={"partner": contact.partner_id},
    )
    contact.delete()
