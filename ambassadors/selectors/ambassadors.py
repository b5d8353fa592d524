"""Reads of ambassadors: the coordinator's roster, one ambassador's page, and who an
ambassador-role member is."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    DecimalField,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from cocora.core.compiled import Param, compiled_read
from cocora.organisations.models import Organisation

from ..models import (
    FINISHED_STATUSES,
    OPEN_STATUSES,
    Ambassador,
    CheckIn,
    Debrief,
    OutreachTask,
)
from ..services.care import checkin_due_for
from ..services.tasks import effective_caps


def ambassador_for_user(*, organisation: Organisation, user: Any) -> Ambassador | None:
    """The ambassador record of a signed-in member: linked to their account, or (before the
    first visit links it) reached through the invitation they accepted with their address."""
    if not getattr(user, "is_authenticated", False):
        return None
    email = (user.email or "").strip()
    match = Q(user_id=user.pk)
    if email:
        match |= Q(
            user__isnull=True,
            invitation__email__iexact=email,
            invitation__accepted_at__isnull=False,
        )
    return (
        Ambassador.objects.for_org(organisation)
        .filter(match)
        .select_related("participant", "invitation")
        .order_by("user_id", "pk")
        .first()
    )


def _scalar(queryset: QuerySet[Any], value: Any, output_field: Any) -> Subquery:
    # One correlated subquery per column keeps the roster at one query, without the row
    # multiplication that joining tasks, check-ins and debriefs at once would cause.
    return Subquery(
        queryset.filter(ambassador=OuterRef("pk"))
        .order_by()
        .values("ambassador")
        .annotate(result=value)
        .values("result")[:1],
        output_field=output_field,
    )


@dataclass
class CareRow:
    """Whether an ambassador is owed care: a check-in (due when, on their schedule) or a debrief
    after a difficult moment (the first one still due)."""

    ambassador: Ambassador
    checkin_due: date | None
    debrief_due: date | None
    today: date

    @property
    def checkin_overdue(self) -> bool:
        return self.checkin_due is not None and self.checkin_due < self.today

    @property
    def debrief_pending(self) -> bool:
        return self.debrief_due is not None


@dataclass
class RosterRow(CareRow):
    open_count: int
    overdue_count: int
    hours_this_month: Decimal
    last_checkin: date | None
    last_debrief: date | None


def _care_annotations(organisation: Organisation | Param) -> dict[str, Any]:
    """What the judgement of care reads besides the ambassador's status and start: check-ins
    held (how many, the last) and the first debrief still due."""
    checkins = CheckIn.objects.for_org(organisation)
    debriefs = Debrief.objects.for_org(organisation)
    return {
        "checkin_count": Coalesce(_scalar(checkins, Count("pk"), IntegerField()), 0),
        "last_checkin": _scalar(checkins, Max("held_on"), None),
        "debrief_due": _scalar(debriefs.filter(held_on__isnull=True), Min("due_on"), None),
    }


def _checkin_due(ambassador: Any) -> date | None:
    return checkin_due_for(
        ambassador, held_count=ambassador.checkin_count, last_held_on=ambassador.last_checkin
    )


def ambassador_roster_queryset(
    *, organisation: Organisation, today: date | None = None
) -> QuerySet[Ambassador]:
    """Every ambassador annotated with open and overdue tasks, hours this month, check-ins and
    debriefs (see roster_row). One query whatever the number of ambassadors."""
    today = today or timezone.localdate()
    month_start = today.replace(day=1)
    tasks = OutreachTask.objects.for_org(organisation)
    debriefs = Debrief.objects.for_org(organisation)
    integer, hours = IntegerField(), DecimalField(max_digits=6, decimal_places=1)
    return (
        Ambassador.objects.for_org(organisation)
        .select_related("participant")
        .annotate(
            open_count=Coalesce(
                _scalar(tasks.filter(status__in=OPEN_STATUSES), Count("pk"), integer), 0
            ),
            overdue_count=Coalesce(
                _scalar(
                    tasks.filter(status__in=OPEN_STATUSES, due_on__lt=today), Count("pk"), integer
                ),
                0,
            ),
            hours_this_month=Coalesce(
                _scalar(
                    tasks.filter(
                        status__in=FINISHED_STATUSES, completed_on__range=(month_start, today)
                    ),
                    Sum("hours_spent"),
                    hours,
                ),
                Decimal("0"),
                output_field=hours,
            ),
            last_debrief=_scalar(debriefs.filter(held_on__isnull=False), Max("held_on"), None),
            **_care_annotations(organisation),
        )
        .order_by("participant__display_name", "pk")
    )


def roster_row(ambassador: Ambassador, *, today: date) -> RosterRow:
    """The roster's line about one ambassador of ambassador_roster_queryset; no query."""
    a: Any = ambassador
    return RosterRow(
        ambassador=a,
        open_count=a.open_count,
        overdue_count=a.overdue_count,
        hours_this_month=a.hours_this_month,
        last_checkin=a.last_checkin,
        checkin_due=_checkin_due(a),
        last_debrief=a.last_debrief,
        debrief_due=a.debrief_due,
        today=today,
    )


@compiled_read
def _care_read() -> QuerySet[Ambassador]:
    """Every ambassador with what the judgement of care reads, by name."""
    return (
        Ambassador.objects.for_org(Param("organisation"))
        .select_related("participant")
        .only("organisation_id", "status", "active_since", "participant__display_name")
        .annotate(**_care_annotations(Param("organisation")))
        .order_by("participant__display_name", "pk")
    )


def ambassadors_owed_care(*, organisation: Organisation, today: date) -> list[CareRow]:
    """The ambassadors whose check-in is overdue or who wait for a debrief, by name, judged as
    the roster judges them: one query that reads only what the judgement and their names need.
    The roster's seven subqueries took about twice as long to build as to run, for the two
    thirds of them (tasks, hours, debriefs held) that the home page does not show. Compiled
    once per process."""
    ambassadors: list[Ambassador] = _care_read(organisation=organisation.pk)
    rows = (
        CareRow(ambassador=a, checkin_due=_checkin_due(a), debrief_due=a.debrief_due, today=today)
        for a in ambassadors
    )
    return [row for row in rows if row.checkin_overdue or row.debrief_pending]


def ambassador_roster(*, organisation: Organisation, today: date | None = None) -> list[RosterRow]:
    """Every ambassador with open and overdue tasks, hours this month, last check-in (and when
    the next is due) and last debrief. One query whatever the number of ambassadors."""
    today = today or timezone.localdate()
    return [
        roster_row(a, today=today)
        for a in ambassador_roster_queryset(organisation=organisation, today=today)
    ]


def ambassador_page(
    *, organisation: Organisation, ambassador: Ambassador, tasks_shown: int = 20
) -> dict[str, Any]:
    """What a coordinator sees about one ambassador: the latest tasks, check-ins (with notes)
    and debriefs, the debriefs still due, caps and when the next check-in is due. Check-ins and
    debriefs come unread, newest first, for the page to read one page of each. Four queries
    whatever the number of rows: the counts (one row of subqueries), the latest tasks, the
    debriefs still due, the caps."""
    today = timezone.localdate()
    tasks = OutreachTask.objects.for_org(organisation).filter(ambassador=ambassador)
    debriefs = Debrief.objects.for_org(organisation).filter(ambassador=ambassador)
    all_tasks = OutreachTask.objects.for_org(organisation)
    counts = (
        Ambassador.objects.for_org(organisation)
        .filter(pk=ambassador.pk)
        .annotate(
            task_count=Coalesce(_scalar(all_tasks, Count("pk"), IntegerField()), 0),
            open_count=Coalesce(
                _scalar(all_tasks.filter(status__in=OPEN_STATUSES), Count("pk"), IntegerField()), 0
            ),
            debrief_count=Coalesce(
                _scalar(Debrief.objects.for_org(organisation), Count("pk"), IntegerField()), 0
            ),
            **_care_annotations(organisation),
        )
        .values("task_count", "open_count", "debrief_count", "checkin_count", "last_checkin")
        .get()
    )
    latest_tasks = list(
        # The task line names its ambassador: joined, not read once per task.
        tasks.select_related("ambassador__participant", "buddy__participant").order_by(
            "-due_on", "-pk"
        )[:tasks_shown]
    )
    open_cap, hours_cap = effective_caps(ambassador, organisation)
    due = checkin_due_for(
        ambassador, held_count=counts["checkin_count"], last_held_on=counts["last_checkin"]
    )
    return {
        "tasks": latest_tasks,
        "task_count": counts["task_count"],
        "open_count": counts["open_count"],
        "checkins": CheckIn.objects.for_org(organisation)
        .filter(ambassador=ambassador)
        .select_related("recorded_by")
        .order_by("-held_on", "-pk"),
        "checkin_count": counts["checkin_count"],
        "debriefs": debriefs.select_related("task", "held_by").order_by("-due_on", "-pk"),
        "debrief_count": counts["debrief_count"],
        # Bounded by nature: a debrief is due after a difficult moment until it is held.
        "debriefs_due": list(debriefs.filter(held_on__isnull=True).order_by("-due_on", "-pk")),
        "open_cap": open_cap,
        "hours_cap": hours_cap,
        "checkin_due": due,
        "checkin_overdue": due is not None and due < today,
        "today": today,
    }


def ambassador_for_participant(
    *, organisation: Organisation, participant_id: int
) -> Ambassador | None:
    return Ambassador.objects.for_org(organisation).filter(participant_id=participant_id).first()


def ambassador_choices(
    *, organisation: Organisation, working_only: bool = True
) -> list[Ambassador]:
    from ..models import WORKING_STATUSES

    queryset = Ambassador.objects.for_org(organisation).select_related("participant")
    if working_only:
        queryset = queryset.filter(status__in=WORKING_STATUSES)
    return list(queryset.order_by("participant__display_name", "pk"))


def checkin_list(*, organisation: Organisation) -> QuerySet[CheckIn]:
    """Every check-in with its ambassador, newest first (coordinators only: notes included)."""
    return (
        CheckIn.objects.for_org(organisation)
        .select_related("ambassador__participant")
        .order_by("-held_on", "-pk")
    )


def debrief_list(*, organisation: Organisation) -> QuerySet[Debrief]:
    """Every debrief with its ambassador, by due date (coordinators only: notes included)."""
    return (
        Debrief.objects.for_org(organisation)
        .select_related("ambassador__participant")
        .order_by("due_on", "pk")
    )


def ambassador_search(
    *, organisation: Organisation, membership: Any, query: str
) -> QuerySet[Ambassador]:
    """Ambassadors whose name or code contains the query, by name, with their participant: one
    query (the search box)."""
    return (
        Ambassador.objects.for_org(organisation)
        .filter(
            Q(participant__display_name__icontains=query) | Q(participant__code__icontains=query)
        )
        .select_related("participant")
        .order_by("participant__display_name", "pk")
    )
