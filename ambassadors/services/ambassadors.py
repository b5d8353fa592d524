"""An ambassador's status, their caps, the organisation's caps, and linking their account."""

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cocora.audit.services import audit_record
from cocora.core.errors import ApplicationError
from cocora.organisations.models import Organisation, Role
from programmes.models import Enrolment, EnrolmentStage

from ..models import Ambassador, AmbassadorSettings, AmbassadorStatus
from ._common import actor_role, check_same_organisation, lock_ambassador, require_coordinator


def caps_for(organisation: Organisation) -> AmbassadorSettings:
    """The organisation's caps: its settings row, or an unsaved one with the defaults."""
    row = AmbassadorSettings.objects.for_org(organisation).first()
    return row or AmbassadorSettings(organisation=organisation)


@transaction.atomic
def ambassador_settings_update(
    *,
    organisation: Organisation,
    open_tasks_cap: int,
    weekly_hours_cap: Decimal,
    actor: Any,
) -> AmbassadorSettings:
    if actor_role(organisation, actor) != Role.ADMIN:
        raise ApplicationError(_("Only an admin can change the caps."), code="forbidden")
    if not 1 <= open_tasks_cap <= 20:
        raise ApplicationError(
            _("The cap on open tasks must be between 1 and 20."), field="open_tasks_cap"
        )
    if not Decimal("0.5") <= weekly_hours_cap <= Decimal("40"):
        raise ApplicationError(
            _("The cap on hours per week must be between 0.5 and 40."), field="weekly_hours_cap"
        )
    row, _created = AmbassadorSettings.objects.for_org(organisation).get_or_create(
        organisation=organisation
    )
    old = {"open_tasks_cap": row.open_tasks_cap, "weekly_hours_cap": str(row.weekly_hours_cap)}
    row.open_tasks_cap = open_tasks_cap
    row.weekly_hours_cap = weekly_hours_cap
    row.save()
    audit_record(
        organisation=organisation,
        actor=actor,
        action="ambassadors.caps_changed",
        target=row,
        details={
            "from": old,
            "to": {"open_tasks_cap": open_tasks_cap, "weekly_hours_cap": str(weekly_hours_cap)},
        },
    )
    return row


@transaction.atomic
def ambassador_cap_raise(
    *,
    organisation: Organisation,
    ambassador: Ambassador,
    open_tasks_cap: int | None,
    weekly_hours_cap: Decimal | None,
    reason: str,
    actor: Any,
) -> Ambassador:
    """Raises one ambassador's caps above the organisation's, with a reason (admins only).
    An empty value returns that cap to the organisation's."""
    check_same_organisation(organisation, ambassador)
    if actor_role(organisation, actor) != Role.ADMIN:
        raise ApplicationError(_("Only an admin can raise an ambassador's cap."), code="forbidden")
    reason = reason.strip()
    if not reason:
        raise ApplicationError(
            _("Say why this ambassador may carry more than the organisation's cap."),
            field="reason",
        )
    caps = caps_for(organisation)
    if open_tasks_cap is not None and not caps.open_tasks_cap <= open_tasks_cap <= 20:
        raise ApplicationError(
            _("The cap on open tasks can be raised from %(cap)s up to 20, not lowered here.")
            % {"cap": caps.open_tasks_cap},
            field="open_tasks_cap",
        )
    if weekly_hours_cap is not None and not caps.weekly_hours_cap <= weekly_hours_cap <= 40:
        raise ApplicationError(
            _("The cap on hours per week can be raised from %(cap)s up to 40, not lowered here.")
            % {"cap": caps.weekly_hours_cap},
            field="weekly_hours_cap",
        )
    ambassador = lock_ambassador(organisation, ambassador)
    ambassador.open_tasks_cap = open_tasks_cap
    ambassador.weekly_hours_cap = weekly_hours_cap
    ambassador.cap_reason = reason[:300]
    ambassador.save(update_fields=["open_tasks_cap", "weekly_hours_cap", "cap_reason"])
    # The reason stays on the record; the audit line keeps numbers only.
    audit_record(
        organisation=organisation,
        actor=actor,
        action="ambassador.cap_raised",
        target=ambassador,
        details={
            "open_tasks_cap": open_tasks_cap,
            "weekly_hours_cap": None if weekly_hours_cap is None else str(weekly_hours_cap),
        },
    )
    return ambassador


@transaction.atomic
def ambassador_change_status(
    *, organisation: Organisation, ambassador: Ambassador, status: str, actor: Any
) -> Ambassador:
    """Moves an ambassador between in training, active, paused and alumni. Becoming active the
    first time needs the training cohort completed: it sets the certification date and starts
    the check-in schedule."""
    check_same_organisation(organisation, ambassador)
    require_coordinator(organisation, actor, doing=_("change an ambassador's status"))
    if status not in AmbassadorStatus.values:
        raise ApplicationError(_("Choose one of the listed statuses."), field="status")
    ambassador = lock_ambassador(organisation, ambassador)
    old = ambassador.status
    if old == status:
        return ambassador
    today = timezone.localdate()
    fields = ["status"]
    if status == AmbassadorStatus.ACTIVE and ambassador.certified_on is None:
        completed = (
            ambassador.cohort_id is not None
            and Enrolment.objects.for_org(organisation)
            .filter(
                cohort_id=ambassador.cohort_id,
                participant_id=ambassador.participant_id,
                stage=EnrolmentStage.COMPLETED,
            )
            .exists()
        )
        if not completed:
            raise ApplicationError(
                _(
                    "%(name)s has not completed the ambassador training yet: mark their "
                    "enrolment in the training cohort completed first."
                )
                % {"name": ambassador.participant.display_name},
                field="status",
            )
        ambassador.certified_on = today
        fields.append("certified_on")
    if status == AmbassadorStatus.ACTIVE and ambassador.active_since is None:
        ambassador.active_since = today
        fields.append("active_since")
    ambassador.status = status
    ambassador.save(update_fields=fields)
    audit_record(
        organisation=organisation,
        actor=actor,
        action="ambassador.status_changed",
        target=ambassador,
        details={"from": old, "to": status},
    )
    return ambassador


@transaction.atomic
def ambassador_link_account(
    *, organisation: Organisation, ambassador: Ambassador, user: Any
) -> Ambassador:
    """Ties the ambassador to the account that accepted their invitation (on their first
    visit), so that from then on only that account acts as them."""
    check_same_organisation(organisation, ambassador)
    invitation = ambassador.invitation
    if (
        invitation is None
        or invitation.accepted_at is None
        or invitation.email.lower() != (user.email or "").lower()
    ):
        raise ApplicationError(_("This account did not accept this ambassador's invitation."))
    ambassador = lock_ambassador(organisation, ambassador)
    if ambassador.user_id not in (None, user.pk):
        raise ApplicationError(_("This ambassador is linked to another account already."))
    ambassador.user = user
    ambassador.save(update_fields=["user"])
    audit_record(
        organisation=organisation,
        actor=user,
        action="ambassador.account_linked",
        target=ambassador,
        details={"user_id": user.pk},
    )
    return ambassador
