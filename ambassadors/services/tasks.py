"""Outreach tasks: assigned by coordinators or proposed by ambassadors, within the caps that
protect ambassadors from overload, and reported on without naming any peer.

Who may move a task where:

- a coordinator assigns, approves or declines a proposal, reviews a done task, cancels;
- the ambassador proposes, starts their own assigned task, and reports it done.

Caps: an ambassador carries at most `open_tasks_cap` open tasks (assigned or in progress) and at
most `weekly_hours_cap` estimated hours of open tasks due in any one week (Monday to Sunday).
Nobody gets a new task while a debrief after a difficult moment is outstanding.
"""

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from cocora.audit.services import audit_record
from cocora.core.dates import check_plausible_date
from cocora.core.errors import ApplicationError
from cocora.notifications.inbox import STAFF_ROLES, notification_create_after_commit
from cocora.notifications.models import NotificationKind
from cocora.organisations.models import Organisation

from ..models import (
    DEBRIEF_DUE_WITHIN_DAYS,
    OPEN_STATUSES,
    WORKING_STATUSES,
    Ambassador,
    AmbassadorSettings,
    Debrief,
    OutreachTask,
    TaskKind,
    TaskStatus,
)
from ._common import (
    check_same_organisation,
    lock_ambassador,
    require_coordinator,
    require_own_ambassador,
)
from .ambassadors import caps_for

MAX_ESTIMATED_HOURS = Decimal("40")
MAX_HOURS_SPENT = Decimal("99")


def effective_caps(
    ambassador: Ambassador, organisation: Organisation, *, caps: AmbassadorSettings | None = None
) -> tuple[int, Decimal]:
    """The caps that apply to one ambassador: their own where an admin raised them, else the
    organisation's. A list passes the organisation's `caps` once instead of a query per row."""
    caps = caps or caps_for(organisation)
    return (
        ambassador.open_tasks_cap or caps.open_tasks_cap,
        ambassador.weekly_hours_cap or caps.weekly_hours_cap,
    )


def hours_text(hours: Decimal) -> str:
    """Hours as people write them: 4, 1.5 (in the active language's number format)."""
    if hours == hours.to_integral_value():
        return str(int(hours))
    return formats.number_format(hours, decimal_pos=1)


def week_of(day: date) -> tuple[date, date]:
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def _hours(value: Any, *, field: str, label: str, maximum: Decimal) -> Decimal:
    try:
        hours = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ApplicationError(
            _("%(label)s must be a number of hours.") % {"label": label}, field=field
        ) from None
    if hours < 0:
        raise ApplicationError(_("%(label)s cannot be negative.") % {"label": label}, field=field)
    if hours > maximum:
        raise ApplicationError(
            _("%(label)s can be at most %(max)s.") % {"label": label, "max": maximum},
            field=field,
        )
    return hours.quantize(Decimal("0.1"))


def _clean_task_fields(
    *, kind: str, title: str, due_on: date, estimated_hours: Any, today: date | None
) -> tuple[str, Decimal]:
    """Cleans what a task is; `today` None skips the due date check (a due date kept as it
    was when a task is changed may lie in the past: the task is overdue, not invalid)."""
    if kind not in TaskKind.values:
        raise ApplicationError(_("Choose one of the listed kinds of task."), field="kind")
    title = (title or "").strip()
    if not title:
        raise ApplicationError(_("Give the task a title."), field="title")
    if len(title) > 200:
        raise ApplicationError(_("Keep the title under 200 characters."), field="title")
    if today is not None:
        check_plausible_date(due_on, field="due_on")
    if today is not None and due_on < today:
        raise ApplicationError(
            _("The due date %(due)s is in the past: choose today or a later day.")
            % {"due": formats.date_format(due_on, "SHORT_DATE_FORMAT")},
            field="due_on",
        )
    hours = _hours(
        estimated_hours,
        field="estimated_hours",
        label=_("The estimated hours"),
        maximum=MAX_ESTIMATED_HOURS,
    )
    return title, hours


def _check_can_take(
    organisation: Organisation,
    ambassador: Ambassador,
    *,
    due_on: date,
    estimated_hours: Decimal,
) -> None:
    """Refuses a new open task beyond the ambassador's caps. The caller holds the lock on the
    ambassador row (lock_ambassador), so the counts below cannot change underneath."""
    _check_available(organisation, ambassador)
    open_cap, hours_cap = effective_caps(ambassador, organisation)
    open_tasks = OutreachTask.objects.for_org(organisation).filter(
        ambassador=ambassador, status__in=OPEN_STATUSES
    )
    open_count = open_tasks.count()
    if open_count >= open_cap:
        raise ApplicationError(
            _(
                "%(name)s has %(count)s open tasks: the cap is %(cap)s open tasks per "
                "ambassador. Wait until one is done, or ask an admin to raise the cap."
            )
            % {"name": ambassador.participant.display_name, "count": open_count, "cap": open_cap},
            field="ambassador",
            code="cap",
        )
    _check_weekly_hours(
        organisation, ambassador, due_on=due_on, estimated_hours=estimated_hours, cap=hours_cap
    )


def _check_available(organisation: Organisation, ambassador: Ambassador) -> None:
    """Tasks go to working ambassadors, and to nobody while a debrief is outstanding."""
    name = ambassador.participant.display_name
    if ambassador.status not in WORKING_STATUSES:
        raise ApplicationError(
            _("%(name)s is %(status)s: tasks go to ambassadors in training or active.")
            % {"name": name, "status": ambassador.get_status_display().lower()},
            field="ambassador",
        )
    pending = (
        Debrief.objects.for_org(organisation)
        .filter(ambassador=ambassador, held_on__isnull=True)
        .order_by("due_on")
        .first()
    )
    if pending is not None:
        raise ApplicationError(
            _(
                "A debrief with %(name)s after a difficult moment is due by %(due)s. Record the "
                "debrief before assigning a new task."
            )
            % {"name": name, "due": formats.date_format(pending.due_on, "SHORT_DATE_FORMAT")},
            field="ambassador",
            code="debrief",
        )


def _check_weekly_hours(
    organisation: Organisation,
    ambassador: Ambassador,
    *,
    due_on: date,
    estimated_hours: Decimal,
    cap: Decimal | None = None,
    leaving_out: OutreachTask | None = None,
) -> None:
    """The estimated hours of open tasks due in one week stay within the cap; `leaving_out` is
    a task being changed, whose old hours no longer count."""
    if cap is None:
        cap = effective_caps(ambassador, organisation)[1]
    monday, sunday = week_of(due_on)
    booked_tasks = OutreachTask.objects.for_org(organisation).filter(
        ambassador=ambassador, status__in=OPEN_STATUSES, due_on__range=(monday, sunday)
    )
    if leaving_out is not None:
        booked_tasks = booked_tasks.exclude(pk=leaving_out.pk)
    booked = booked_tasks.aggregate(total=Sum("estimated_hours"))["total"] or Decimal("0")
    if booked + estimated_hours > cap:
        raise ApplicationError(
            _(
                "This task would give %(name)s %(total)s hours in the week of %(week)s: the cap "
                "is %(cap)s hours per week. Choose another week, fewer hours, or ask an admin "
                "to raise the cap."
            )
            % {
                "name": ambassador.participant.display_name,
                "total": hours_text(booked + estimated_hours),
                "week": formats.date_format(monday, "SHORT_DATE_FORMAT"),
                "cap": hours_text(cap),
            },
            field="estimated_hours",
            code="cap",
        )


def _check_buddy(organisation: Organisation, ambassador: Ambassador, buddy: Any) -> None:
    if buddy is None:
        return
    check_same_organisation(organisation, buddy)
    if buddy.pk == ambassador.pk:
        raise ApplicationError(_("The buddy must be another ambassador."), field="buddy")
    if buddy.status not in WORKING_STATUSES:
        raise ApplicationError(
            _("%(name)s is not available as a buddy (%(status)s).")
            % {"name": buddy.participant.display_name, "status": buddy.get_status_display()},
            field="buddy",
        )


def _lock_task(organisation: Organisation, task: OutreachTask) -> OutreachTask:
    check_same_organisation(organisation, task)
    return (
        OutreachTask.objects.for_org(organisation)
        .select_for_update(of=("self",))
        .select_related("ambassador", "ambassador__participant")
        .get(pk=task.pk)
    )


def _refuse_move(task: OutreachTask, wanted: str) -> ApplicationError:
    # A conflict with the task's current state, not bad input: the API answers 409.
    return ApplicationError(
        _("A task that is %(current)s cannot be %(wanted)s.")
        % {"current": task.get_status_display().lower(), "wanted": wanted},
        field="status",
        code="conflict",
    )


def _audit(
    organisation: Organisation, actor: Any, action: str, task: OutreachTask, **details: Any
) -> None:
    audit_record(
        organisation=organisation,
        actor=actor,
        action=f"outreach_task.{action}",
        target=task,
        details={"ambassador_id": task.ambassador_id, "status": task.status, **details},
    )


@transaction.atomic
def task_assign(
    *,
    organisation: Organisation,
    ambassador: Ambassador,
    kind: str,
    title: str,
    due_on: date,
    estimated_hours: Any,
    description: str = "",
    buddy: Ambassador | None = None,
    actor: Any,
    today: date | None = None,
) -> OutreachTask:
    """A coordinator gives an ambassador a task, within their caps and never while a debrief
    is outstanding."""
    check_same_organisation(organisation, ambassador)
    require_coordinator(organisation, actor, doing=_("assign tasks"))
    today = today or timezone.localdate()
    title, hours = _clean_task_fields(
        kind=kind, title=title, due_on=due_on, estimated_hours=estimated_hours, today=today
    )
    ambassador = lock_ambassador(organisation, ambassador)
    _check_buddy(organisation, ambassador, buddy)
    _check_can_take(organisation, ambassador, due_on=due_on, estimated_hours=hours)
    task = OutreachTask.objects.create(
        organisation=organisation,
        ambassador=ambassador,
        buddy=buddy,
        kind=kind,
        title=title,
        description=(description or "").strip(),
        due_on=due_on,
        estimated_hours=hours,
        status=TaskStatus.ASSIGNED,
        created_by=actor,
    )
    _audit(organisation, actor, "assigned", task, kind=kind, buddy_id=task.buddy_id)
    return task


# What a coordinator may change on a task that is not finished, and while it is in which state.
TASK_EDITABLE_FIELDS = frozenset(
    {"kind", "title", "description", "due_on", "estimated_hours", "buddy", "ambassador"}
)
CHANGEABLE_STATUSES = (TaskStatus.PROPOSED, *OPEN_STATUSES)


@transaction.atomic
def task_update(
    *,
    organisation: Organisation,
    task: OutreachTask,
    changes: dict[str, Any],
    actor: Any,
    today: date | None = None,
) -> OutreachTask:
    """A coordinator changes a proposed or open task (what, when, how long, buddy) or gives an
    assigned task to another ambassador. An open task stays within the caps: its new week's
    hours, and for another ambassador everything a new task must pass."""
    unknown = sorted(set(changes) - TASK_EDITABLE_FIELDS)
    if unknown:
        raise ApplicationError(
            _("These cannot be changed on a task: %(fields)s.") % {"fields": ", ".join(unknown)}
        )
    require_coordinator(organisation, actor, doing=_("change a task"))
    task = _lock_task(organisation, task)
    if task.status not in CHANGEABLE_STATUSES:
        raise _refuse_move(task, _("changed"))
    today = today or timezone.localdate()
    ambassador = changes.get("ambassador", task.ambassador)
    check_same_organisation(organisation, ambassador)
    reassigned = ambassador.pk != task.ambassador_id
    if reassigned and task.status != TaskStatus.ASSIGNED:
        raise ApplicationError(
            _(
                "Only an assigned task that has not started can go to another ambassador; this "
                "one is %(status)s."
            )
            % {"status": task.get_status_display().lower()},
            field="ambassador",
        )
    due_on = changes.get("due_on", task.due_on)
    title, hours = _clean_task_fields(
        kind=changes.get("kind", task.kind),
        title=changes.get("title", task.title),
        due_on=due_on,
        estimated_hours=changes.get("estimated_hours", task.estimated_hours),
        today=today if due_on != task.due_on else None,
    )
    buddy = changes.get("buddy", task.buddy)
    ambassador = lock_ambassador(organisation, ambassador)
    if reassigned or "buddy" in changes:
        _check_buddy(organisation, ambassador, buddy)
    if task.status in OPEN_STATUSES:
        if reassigned:
            _check_can_take(organisation, ambassador, due_on=due_on, estimated_hours=hours)
        elif due_on != task.due_on or hours != task.estimated_hours:
            _check_weekly_hours(
                organisation, ambassador, due_on=due_on, estimated_hours=hours, leaving_out=task
            )
    from_ambassador_id = task.ambassador_id
    task.ambassador = ambassador
    task.buddy = buddy
    task.kind = changes.get("kind", task.kind)
    task.title = title
    task.description = (changes.get("description", task.description) or "").strip()
    task.due_on = due_on
    task.estimated_hours = hours
    task.save()
    # Names of what changed, not the values: titles and descriptions are free text.
    _audit(
        organisation,
        actor,
        "changed",
        task,
        fields=sorted(changes),
        from_ambassador_id=from_ambassador_id,
        buddy_id=task.buddy_id,
    )
    return task


@transaction.atomic
def task_propose(
    *,
    organisation: Organisation,
    ambassador: Ambassador,
    kind: str,
    title: str,
    due_on: date,
    estimated_hours: Any,
    description: str = "",
    actor: Any,
    today: date | None = None,
) -> OutreachTask:
    """An ambassador proposes a task of their own; a coordinator approves or declines it.
    Coordinators and admins are notified after commit."""
    check_same_organisation(organisation, ambassador)
    require_own_ambassador(ambassador, actor, doing=_("propose a task for themself"))
    today = today or timezone.localdate()
    title, hours = _clean_task_fields(
        kind=kind, title=title, due_on=due_on, estimated_hours=estimated_hours, today=today
    )
    if ambassador.status not in WORKING_STATUSES:
        raise ApplicationError(_("Tasks can be proposed while you are in training or active."))
    task = OutreachTask.objects.create(
        organisation=organisation,
        ambassador=ambassador,
        kind=kind,
        title=title,
        description=(description or "").strip(),
        due_on=due_on,
        estimated_hours=hours,
        status=TaskStatus.PROPOSED,
        proposed_by_ambassador=True,
        created_by=actor,
    )
    _audit(organisation, actor, "proposed", task, kind=kind)
    _notify_staff(
        organisation,
        task,
        kind=NotificationKind.PROPOSAL,
        context={"by": str(ambassador), "title": task.title},
        actor=actor,
    )
    return task


@transaction.atomic
def task_approve(
    *, organisation: Organisation, task: OutreachTask, note: str = "", actor: Any
) -> OutreachTask:
    """Approves a proposal: it becomes an assigned task, within the ambassador's caps."""
    require_coordinator(organisation, actor, doing=_("approve a proposed task"))
    task = _lock_task(organisation, task)
    if task.status != TaskStatus.PROPOSED:
        raise _refuse_move(task, _("approved"))
    if task.due_on < timezone.localdate():
        raise ApplicationError(
            _(
                "The proposed due date has passed: decline the proposal with a word, or assign "
                "a new task."
            )
        )
    ambassador = lock_ambassador(organisation, task.ambassador)
    _check_can_take(
        organisation, ambassador, due_on=task.due_on, estimated_hours=task.estimated_hours
    )
    task.status = TaskStatus.ASSIGNED
    task.coordinator_note = (note or "").strip()
    task.save(update_fields=["status", "coordinator_note", "updated_at"])
    _audit(organisation, actor, "approved", task)
    return task


@transaction.atomic
def task_decline(
    *, organisation: Organisation, task: OutreachTask, note: str, actor: Any
) -> OutreachTask:
    """Declines a proposal with a word of explanation, which the ambassador sees."""
    require_coordinator(organisation, actor, doing=_("decline a proposed task"))
    task = _lock_task(organisation, task)
    if task.status != TaskStatus.PROPOSED:
        raise _refuse_move(task, _("declined"))
    note = (note or "").strip()
    if not note:
        raise ApplicationError(
            _("Add a word of explanation for the ambassador when declining."), field="note"
        )
    task.status = TaskStatus.CANCELLED
    task.coordinator_note = note[:500]
    task.save(update_fields=["status", "coordinator_note", "updated_at"])
    _audit(organisation, actor, "declined", task)
    return task


@transaction.atomic
def task_start(*, organisation: Organisation, task: OutreachTask, actor: Any) -> OutreachTask:
    task = _lock_task(organisation, task)
    require_own_ambassador(task.ambassador, actor, doing=_("start this task"))
    if task.status != TaskStatus.ASSIGNED:
        raise _refuse_move(task, _("started"))
    task.status = TaskStatus.IN_PROGRESS
    task.save(update_fields=["status", "updated_at"])
    _audit(organisation, actor, "started", task)
    return task


@transaction.atomic
def task_complete(
    *,
    organisation: Organisation,
    task: OutreachTask,
    peers_reached: Any,
    hours_spent: Any,
    what_worked: str = "",
    what_was_hard: str = "",
    difficult_moment: bool = False,
    actor: Any,
    today: date | None = None,
) -> OutreachTask:
    """The ambassador reports their task done: peers reached (a number, never names), hours,
    what worked and what was hard. A difficult moment opens a debrief due within 7 days."""
    task = _lock_task(organisation, task)
    require_own_ambassador(task.ambassador, actor, doing=_("report this task done"))
    if task.status != TaskStatus.IN_PROGRESS:
        raise _refuse_move(task, _("reported done (start it first)"))
    try:
        peers = int(peers_reached)
    except (TypeError, ValueError):
        raise ApplicationError(
            _("Peers reached must be a whole number."), field="peers_reached"
        ) from None
    if peers < 0:
        raise ApplicationError(
            _("Peers reached cannot be negative: 0 is fine."), field="peers_reached"
        )
    if peers > 100000:
        raise ApplicationError(_("Peers reached looks too high."), field="peers_reached")
    hours = _hours(
        hours_spent, field="hours_spent", label=_("The hours spent"), maximum=MAX_HOURS_SPENT
    )
    today = today or timezone.localdate()
    task.status = TaskStatus.DONE
    task.peers_reached = peers
    task.hours_spent = hours
    task.what_worked = (what_worked or "").strip()[:2000]
    task.what_was_hard = (what_was_hard or "").strip()[:2000]
    task.difficult_moment = bool(difficult_moment)
    task.completed_on = today
    task.save()
    debrief = None
    if task.difficult_moment:
        debrief = Debrief.objects.create(
            organisation=organisation,
            ambassador=task.ambassador,
            task=task,
            due_on=today + timedelta(days=DEBRIEF_DUE_WITHIN_DAYS),
        )
    _audit(
        organisation,
        actor,
        "completed",
        task,
        peers_reached=peers,
        hours_spent=str(hours),
        difficult_moment=task.difficult_moment,
        debrief_id=debrief.pk if debrief else None,
    )
    if task.difficult_moment:
        # Coordinators and admins hear of it at once; what happened stays on the task's page.
        _notify_staff(
            organisation,
            task,
            kind=NotificationKind.DIFFICULT_MOMENT,
            context={"ambassador": str(task.ambassador), "task": task.title},
            actor=actor,
        )
    return task


def _notify_staff(
    organisation: Organisation,
    task: OutreachTask,
    *,
    kind: str,
    context: dict[str, str],
    actor: Any,
) -> None:
    """Tells coordinators and admins (after commit) about a task, linking to its page."""
    notification_create_after_commit(
        organisation=organisation,
        kind=kind,
        roles=STAFF_ROLES,
        context=context,
        link=reverse(
            "outreach_task_detail", kwargs={"org_slug": organisation.slug, "task_id": task.pk}
        ),
        exclude_ids=[getattr(actor, "pk", None)],
        # The context names the ambassador: erasing them clears it.
        subject_participant_id=task.ambassador.participant_id,
    )


@transaction.atomic
def task_review(
    *, organisation: Organisation, task: OutreachTask, note: str = "", actor: Any
) -> OutreachTask:
    """A coordinator has read the report of a done task."""
    require_coordinator(organisation, actor, doing=_("mark a task reviewed"))
    task = _lock_task(organisation, task)
    if task.status != TaskStatus.DONE:
        raise _refuse_move(task, _("reviewed"))
    task.status = TaskStatus.REVIEWED
    task.reviewed_by = actor
    task.reviewed_at = timezone.now()
    if note and note.strip():
        task.coordinator_note = note.strip()[:500]
    task.save(
        update_fields=["status", "reviewed_by", "reviewed_at", "coordinator_note", "updated_at"]
    )
    _audit(organisation, actor, "reviewed", task)
    return task


@transaction.atomic
def task_cancel(
    *, organisation: Organisation, task: OutreachTask, note: str, actor: Any
) -> OutreachTask:
    require_coordinator(organisation, actor, doing=_("cancel a task"))
    task = _lock_task(organisation, task)
    if task.status not in (TaskStatus.PROPOSED, *OPEN_STATUSES):
        raise _refuse_move(task, _("cancelled"))
    note = (note or "").strip()
    if not note:
        raise ApplicationError(
            _("Add a word of explanation for the ambassador when cancelling."), field="note"
        )
    task.status = TaskStatus.CANCELLED
    task.coordinator_note = note[:500]
    task.save(update_fields=["status", "coordinator_note", "updated_at"])
    _audit(organisation, actor, "cancelled", task)
    return task


# What each action on the task page calls; the services decide who may.
TASK_ACTIONS = {
    "start": task_start,
    "approve": task_approve,
    "decline": task_decline,
    "review": task_review,
    "cancel": task_cancel,
}
