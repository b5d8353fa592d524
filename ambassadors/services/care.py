"""Looking after ambassadors: check-ins on a schedule, and debriefs after a difficult moment.

Check-in schedule: the first is due two weeks after the ambassador becomes active, the second
two weeks after the first (so two in the first month), and from then on one a month (30 days)
after the last.
"""

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from cocora.audit.services import audit_record
from cocora.core.dates import check_plausible_date
from cocora.core.errors import ApplicationError
from cocora.organisations.models import Organisation

from ..models import Ambassador, AmbassadorStatus, CheckIn, Debrief, Wellbeing
from ._common import check_same_organisation, require_coordinator

FIRST_MONTH_INTERVAL = timedelta(days=14)
MONTHLY_INTERVAL = timedelta(days=30)


def checkin_next_due(
    *, active_since: date | None, held_count: int, last_held_on: date | None
) -> date | None:
    """When the next check-in is due; None before the ambassador is active."""
    if active_since is None:
        return None
    if held_count == 0 or last_held_on is None:
        return active_since + FIRST_MONTH_INTERVAL
    if held_count == 1:
        return last_held_on + FIRST_MONTH_INTERVAL
    return last_held_on + MONTHLY_INTERVAL


def checkin_due_for(
    ambassador: Ambassador, *, held_count: int, last_held_on: date | None
) -> date | None:
    # Paused ambassadors and alumni are not on the check-in schedule.
    if ambassador.status != AmbassadorStatus.ACTIVE:
        return None
    return checkin_next_due(
        active_since=ambassador.active_since, held_count=held_count, last_held_on=last_held_on
    )


@transaction.atomic
def checkin_record(
    *,
    organisation: Organisation,
    ambassador: Ambassador,
    held_on: date,
    wellbeing: str,
    notes: str = "",
    actor: Any,
) -> CheckIn:
    """Records a check-in; its notes are for coordinators only (encrypted at rest)."""
    check_same_organisation(organisation, ambassador)
    require_coordinator(organisation, actor, doing=_("record a check-in"))
    if wellbeing not in Wellbeing.values:
        raise ApplicationError(_("Choose how they are doing."), field="wellbeing")
    check_plausible_date(held_on, field="held_on")
    if held_on > timezone.localdate():
        raise ApplicationError(
            _("A check-in cannot be recorded for a day in the future."), field="held_on"
        )
    checkin = CheckIn.objects.create(
        organisation=organisation,
        ambassador=ambassador,
        held_on=held_on,
        wellbeing=wellbeing,
        notes=(notes or "").strip(),
        recorded_by=actor,
    )
    audit_record(
        organisation=organisation,
        actor=actor,
        action="ambassador.checkin_recorded",
        target=checkin,
        details={"ambassador_id": ambassador.pk, "wellbeing": wellbeing},
    )
    return checkin


@transaction.atomic
def debrief_record(
    *,
    organisation: Organisation,
    debrief: Debrief,
    held_on: date,
    notes: str = "",
    actor: Any,
) -> Debrief:
    """Records that the debrief was held; the ambassador can be given tasks again."""
    check_same_organisation(organisation, debrief)
    require_coordinator(organisation, actor, doing=_("record a debrief"))
    debrief = Debrief.objects.for_org(organisation).select_for_update().get(pk=debrief.pk)
    if debrief.held_on is not None:
        raise ApplicationError(_("This debrief was recorded already."), code="conflict")
    check_plausible_date(held_on, field="held_on")
    if held_on > timezone.localdate():
        raise ApplicationError(
            _("A debrief cannot be recorded for a day in the future."), field="held_on"
        )
    # A debrief follows the difficult moment: a day before it was reported is a typo.
    reported_on = timezone.localdate(debrief.created_at)
    if held_on < reported_on:
        raise ApplicationError(
            _(
                "The difficult moment was reported on %(day)s: a debrief cannot be held "
                "before that day."
            )
            % {"day": formats.date_format(reported_on)},
            field="held_on",
        )
    debrief.held_on = held_on
    debrief.held_by = actor
    debrief.notes = (notes or "").strip()
    debrief.save(update_fields=["held_on", "held_by", "notes"])
    audit_record(
        organisation=organisation,
        actor=actor,
        action="ambassador.debrief_recorded",
        target=debrief,
        details={"ambassador_id": debrief.ambassador_id, "task_id": debrief.task_id},
    )
    return debrief
