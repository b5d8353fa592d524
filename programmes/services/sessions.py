"""Sessions: generated from a rule, then edited, moved or cancelled one by one."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cocora.audit.services import audit_record
from cocora.core.dates import check_plausible_date, local_datetime
from cocora.core.errors import ApplicationError
from cocora.organisations.models import Organisation

from ..models import Attendance, Cohort, Module, Session, SessionStatus

MAX_GENERATED = 200


@dataclass(frozen=True)
class SessionRule:
    """Every `every_n_weeks` weeks on the chosen weekdays (0 = Monday), from `first_date`, at
    `start_time` local time, for `count` sessions or until `until` (inclusive)."""

    first_date: date
    weekdays: tuple[int, ...]
    start_time: time
    duration_minutes: int
    every_n_weeks: int = 1
    count: int | None = None
    until: date | None = None

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> "SessionRule":
        """The rule from a page's form or an API body (the same field names)."""
        return cls(
            first_date=data["first_date"],
            weekdays=tuple(data["weekdays"]),
            start_time=data["start_time"],
            duration_minutes=data["duration_minutes"],
            every_n_weeks=data["every_n_weeks"],
            count=data["count"],
            until=data["until"],
        )

    def validate(self) -> None:
        if not self.weekdays or any(d not in range(7) for d in self.weekdays):
            raise ApplicationError(_("Choose at least one weekday."), field="weekdays")
        if not 1 <= self.every_n_weeks <= 8:
            raise ApplicationError(_("Repeat every 1 to 8 weeks."), field="every_n_weeks")
        if not 1 <= self.duration_minutes <= 12 * 60:
            raise ApplicationError(
                _("A session lasts between 1 minute and 12 hours."), field="duration_minutes"
            )
        if self.count is None and self.until is None:
            raise ApplicationError(
                _("Give either a number of sessions or an end date."), field="count"
            )
        if self.count is not None and self.until is not None:
            raise ApplicationError(
                _("Give either the number of sessions or an end date, not both."), field="count"
            )
        if self.count is not None and not 1 <= self.count <= MAX_GENERATED:
            raise ApplicationError(
                _("Generate between 1 and %(max)s sessions at a time.") % {"max": MAX_GENERATED},
                field="count",
            )
        if self.until is not None and self.until < self.first_date:
            raise ApplicationError(
                _("The end date is before the first date: check the dates."), field="until"
            )

    def dates(self) -> list[date]:
        self.validate()
        week_zero = self.first_date - timedelta(days=self.first_date.weekday())
        found: list[date] = []
        day = self.first_date
        while True:
            if self.until is not None and day > self.until:
                break
            week = (day - week_zero).days // 7
            if day.weekday() in self.weekdays and week % self.every_n_weeks == 0:
                found.append(day)
                if self.count is not None and len(found) == self.count:
                    break
            if len(found) > MAX_GENERATED:
                raise ApplicationError(
                    _("That rule makes more than %(max)s sessions: choose an earlier end date.")
                    % {"max": MAX_GENERATED},
                    field="until",
                )
            day += timedelta(days=1)
        return found


def _check_first_date(*, cohort: Cohort, first_date: date) -> None:
    """Generated sessions lie within the cohort's dates: a first date outside them is a typo
    (often the year). A first date in the past is allowed, for a group that moves onto the
    platform after it began; the pages warn about it."""
    check_plausible_date(first_date, field="first_date")
    params = {"first": date_format(first_date), "start": date_format(cohort.starts_on)}
    if first_date < cohort.starts_on:
        raise ApplicationError(
            _(
                "The first date, %(first)s, is before the cohort starts on %(start)s: choose "
                "%(start)s or a later day."
            )
            % params,
            field="first_date",
        )
    if cohort.ends_on is not None and first_date > cohort.ends_on:
        raise ApplicationError(
            _(
                "The first date, %(first)s, is after the cohort ends on %(end)s: choose a day "
                "up to %(end)s, or change the cohort's end date first."
            )
            % {**params, "end": date_format(cohort.ends_on)},
            field="first_date",
        )


@transaction.atomic
def sessions_generate(
    *,
    organisation: Organisation,
    cohort: Cohort,
    rule: SessionRule,
    venue: str = "",
    link_modules: bool = True,
    actor: Any = None,
) -> list[Session]:
    """Creates the cohort's sessions from a rule in one write; with `link_modules`, session N is
    linked to the programme's module N (in curriculum order) as far as there are modules."""
    if cohort.organisation_id != organisation.pk:
        raise ApplicationError(_("This cohort belongs to another organisation."))
    tz = ZoneInfo(organisation.time_zone)
    rule.validate()
    _check_first_date(cohort=cohort, first_date=rule.first_date)
    modules: list[Module | None] = []
    if link_modules:
        modules = list(
            Module.objects.for_org(organisation).filter(programme_id=cohort.programme_id)
        )
    sessions = []
    for index, day in enumerate(rule.dates()):
        starts_at = local_datetime(day, rule.start_time, tz, field="start_time")
        # The duration is time that passes, also on a night the clocks change.
        duration = timedelta(minutes=rule.duration_minutes)
        ends_at = (starts_at.astimezone(UTC) + duration).astimezone(tz)
        sessions.append(
            Session(
                organisation=organisation,
                cohort=cohort,
                module=modules[index] if index < len(modules) else None,
                starts_at=starts_at,
                ends_at=ends_at,
                venue=venue or cohort.venue,
            )
        )
    if sessions and cohort.ends_on is not None:
        last_day = sessions[-1].starts_at.date()
        if last_day > cohort.ends_on:
            raise ApplicationError(
                _(
                    "The last session would be on %(last)s, after the cohort ends on %(end)s. "
                    "Schedule fewer sessions, or change the cohort's end date first."
                )
                % {"last": date_format(last_day), "end": date_format(cohort.ends_on)},
                field="count",
            )
    created = Session.objects.bulk_create(sessions)
    audit_record(
        organisation=organisation,
        actor=actor,
        action="sessions.generated",
        target=cohort,
        details={"count": len(created)},
    )
    return created


@transaction.atomic
def session_update(
    *,
    organisation: Organisation,
    session: Session,
    starts_at: datetime,
    ends_at: datetime,
    venue: str,
    module: Module | None,
) -> Session:
    if session.organisation_id != organisation.pk:
        raise ApplicationError(_("This session belongs to another organisation."))
    if ends_at <= starts_at:
        raise ApplicationError(
            _("The session ends before it starts: check the end time."), field="ends_at"
        )
    if ends_at - starts_at > timedelta(hours=12):
        raise ApplicationError(
            _("A session lasts at most 12 hours: check the end time."), field="ends_at"
        )
    if module is not None and (
        module.organisation_id != organisation.pk
        or module.programme_id != session.cohort.programme_id
    ):
        raise ApplicationError(_("Choose a module of this cohort's programme."), field="module")
    session.starts_at, session.ends_at, session.venue, session.module = (
        starts_at,
        ends_at,
        venue,
        module,
    )
    session.save(update_fields=["starts_at", "ends_at", "venue", "module", "updated_at"])
    return session


@transaction.atomic
def session_set_status(
    *, organisation: Organisation, session: Session, status: str, actor: Any = None
) -> Session:
    """Cancels, reinstates or marks a session as held. Cancelled sessions leave attendance
    rates."""
    if session.organisation_id != organisation.pk:
        raise ApplicationError(_("This session belongs to another organisation."))
    if status not in SessionStatus.values:
        raise ApplicationError(_("Choose one of the listed statuses."), field="status")
    old = session.status
    # Reinstating a session that had been held brings it back as held.
    if (
        status == SessionStatus.SCHEDULED
        and old == SessionStatus.CANCELLED
        and Attendance.objects.for_org(organisation).filter(session=session).exists()
    ):
        status = SessionStatus.HELD
    session.status = status
    session.save(update_fields=["status", "updated_at"])
    audit_record(
        organisation=organisation,
        actor=actor,
        action="session.status_changed",
        target=session,
        details={"from": old, "to": status},
    )
    return session
