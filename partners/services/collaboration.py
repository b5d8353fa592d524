"""Collaboration activities of the Collaborative Programme and their follow-ups."""

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cocora.audit.services import audit_record
from cocora.core.dates import check_plausible_dates
from cocora.core.errors import ApplicationError
from cocora.organisations.models import Membership, Organisation, Role
from programmes.models import Cohort, Programme

from ..models import (
    CollaborationActivity,
    CollaborationKind,
    CollaborationPartner,
    FollowUp,
    PartnerOrganisation,
)

ACTIVITY_FIELDS = (
    "kind",
    "title",
    "held_at",
    "place",
    "programme",
    "cohort",
    "community_members",
    "professionals",
    "agreed",
)


def _check_activity(
    organisation: Organisation,
    fields: dict[str, Any],
    *,
    current: CollaborationActivity | None = None,
) -> None:
    """Checks the given fields; for a change (`current`), the programme and cohort are checked
    together with the one that is kept, so that a partial change cannot pair a cohort with
    another programme."""
    unknown = set(fields) - set(ACTIVITY_FIELDS)
    if unknown:
        raise TypeError(f"Unknown activity fields: {sorted(unknown)}")
    if "kind" in fields and fields["kind"] not in CollaborationKind.values:
        raise ApplicationError(_("Choose one of the listed kinds."), field="kind")
    if "title" in fields:
        fields["title"] = str(fields["title"]).strip()
        if not fields["title"]:
            raise ApplicationError(_("Give the activity a title."), field="title")
    for name in ("community_members", "professionals"):
        value = fields.get(name)
        if value is not None and value < 0:
            raise ApplicationError(
                _("Counts cannot be negative: give 0 if nobody came."), field=name
            )
    if fields.get("held_at") is not None and not isinstance(fields["held_at"], datetime):
        raise ApplicationError(_("Give the date and time."), field="held_at")
    check_plausible_dates(held_at=fields.get("held_at"))
    programme: Programme | None = fields.get("programme")
    cohort: Cohort | None = fields.get("cohort")
    if programme is not None and programme.organisation_id != organisation.pk:
        raise ApplicationError(_("This programme belongs to another organisation."))
    if (
        programme is not None
        and programme.archived_at is not None
        and (current is None or current.programme_id != programme.pk)
    ):
        raise ApplicationError(
            _("This programme is archived: choose a current one."), field="programme"
        )
    if cohort is not None and cohort.organisation_id != organisation.pk:
        raise ApplicationError(_("This cohort belongs to another organisation."))
    if current is not None and ("programme" in fields or "cohort" in fields):
        if "programme" not in fields:
            programme = current.programme
        if "cohort" not in fields:
            cohort = current.cohort
    if cohort is not None and programme is not None and cohort.programme_id != programme.pk:
        raise ApplicationError(
            _(
                "The cohort belongs to another programme: choose one of the two, or both "
                "from the same programme."
            ),
            field="cohort",
        )


def _partners(organisation: Organisation, partner_ids: Iterable[int]) -> list[PartnerOrganisation]:
    ids = set(partner_ids)
    if not ids:
        raise ApplicationError(_("Choose at least one partner that takes part."), field="partners")
    partners = list(PartnerOrganisation.objects.for_org(organisation).filter(pk__in=ids))
    if len(partners) != len(ids):
        raise ApplicationError(_("Choose partners of this organisation."), field="partners")
    return partners


@transaction.atomic
def collaboration_activity_create(
    *,
    organisation: Organisation,
    partner_ids: Iterable[int],
    actor: Any = None,
    **fields: Any,
) -> CollaborationActivity:
    _check_activity(organisation, fields)
    for required in ("kind", "title", "held_at"):
        if fields.get(required) in (None, ""):
            raise ApplicationError(_("This is required."), field=required)
    partners = _partners(organisation, partner_ids)
    activity = CollaborationActivity.objects.create(
        organisation=organisation,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        **fields,
    )
    CollaborationPartner.objects.bulk_create(
        [
            CollaborationPartner(organisation=organisation, activity=activity, partner=p)
            for p in partners
        ]
    )
    audit_record(
        organisation=organisation,
        actor=actor,
        action="collaboration.created",
        target=activity,
        details={"kind": activity.kind, "partners": sorted(p.pk for p in partners)},
    )
    return activity


@transaction.atomic
def collaboration_activity_update(
    *,
    organisation: Organisation,
    activity: CollaborationActivity,
    partner_ids: Iterable[int] | None = None,
    actor: Any = None,
    **fields: Any,
) -> CollaborationActivity:
    if activity.organisation_id != organisation.pk:
        raise ApplicationError(_("This activity belongs to another organisation."))
    _check_activity(organisation, fields, current=activity)
    partners = _partners(organisation, partner_ids) if partner_ids is not None else None
    for name, value in fields.items():
        setattr(activity, name, value)
    activity.save(update_fields=list(fields))
    if partners is not None:
        links = CollaborationPartner.objects.for_org(organisation).filter(activity=activity)
        wanted = {p.pk for p in partners}
        links.exclude(partner_id__in=wanted).delete()
        present = set(links.values_list("partner_id", flat=True))
        CollaborationPartner.objects.bulk_create(
            [
                CollaborationPartner(organisation=organisation, activity=activity, partner=p)
                for p in partners
                if p.pk not in present
            ]
        )
    audit_record(
        organisation=organisation,
        actor=actor,
        action="collaboration.updated",
        target=activity,
        details={"fields": sorted(fields), "partners_changed": partners is not None},
    )
    return activity


@transaction.atomic
def follow_up_create(
    *,
    organisation: Organisation,
    activity: CollaborationActivity,
    description: str,
    due_on: date,
    owner: Any = None,
    owner_partner: PartnerOrganisation | None = None,
    actor: Any = None,
) -> FollowUp:
    """Adds a follow-up owned by a member of the organisation or by one of the activity's
    partners."""
    if activity.organisation_id != organisation.pk:
        raise ApplicationError(_("This activity belongs to another organisation."))
    check_plausible_dates(due_on=due_on)
    description = description.strip()
    if not description:
        raise ApplicationError(_("Say what is to be done."), field="description")
    if owner is None and owner_partner is None:
        raise ApplicationError(
            _("Choose who owns it: a member of the team or one of the partners."), field="owner"
        )
    if owner is not None:
        is_member = (
            Membership.objects.for_org(organisation)
            .filter(user=owner)
            .exclude(role__in=[Role.AMBASSADOR, Role.PARTNER])
            .exists()
        )
        if not is_member:
            raise ApplicationError(_("The owner must be a member of the team."), field="owner")
    if owner_partner is not None:
        takes_part = (
            CollaborationPartner.objects.for_org(organisation)
            .filter(activity=activity, partner=owner_partner)
            .exists()
        )
        if not takes_part:
            raise ApplicationError(
                _("The owning partner must take part in the activity."), field="owner_partner"
            )
    follow_up = FollowUp.objects.create(
        organisation=organisation,
        activity=activity,
        description=description,
        due_on=due_on,
        owner=owner,
        owner_partner=owner_partner,
    )
    audit_record(
        organisation=organisation,
        actor=actor,
        action="follow_up.created",
        target=follow_up,
        details={"activity": activity.pk},
    )
    return follow_up


@transaction.atomic
def follow_up_complete(
    *, organisation: Organisation, follow_up: FollowUp, actor: Any = None
) -> FollowUp:
    """Marks a follow-up done; doing it twice changes nothing."""
    if follow_up.organisation_id != organisation.pk:
        raise ApplicationError(_("This follow-up belongs to another organisation."))
    if follow_up.done_at is None:
        follow_up.done_at = timezone.now()
        follow_up.save(update_fields=["done_at"])
        audit_record(
            organisation=organisation,
            actor=actor,
            action="follow_up.done",
            target=follow_up,
            details={"activity": follow_up.activity_id},
        )
    return follow_up
