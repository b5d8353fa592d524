"""Reminder rules of the programmes (registered with cocora.notifications.registry).

- trainers of a cohort: 24 hours before each of its sessions;
- participants with an email and an active contact consent, and the guardians (with a guardian's
  email) of participants below the age of digital consent, where contact consent is active: 24
  hours before each session of a cohort where they hold a place;
- coordinators: a digest on Monday mornings (organisation time) of the cohorts they coordinate:
  sessions in the week ahead, and how many people missed several sessions in a row (a count and a
  link, never names: emails travel further than the platform).

Plans run every 15 minutes and may return the same reminders again; the delivery log keeps one
per (rule, session, start time, recipient). A session moved to another time is a new occasion:
the old reminder is skipped by `still_wanted`, the new one goes out.
"""

from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from cocora.accounts.language import email_language
from cocora.core.templatetags.cocora_dates import format_with_year
from cocora.notifications.models import Delivery, RecipientKind
from cocora.notifications.registry import EmailContent, Intended, Rule, Section, register
from cocora.organisations.models import Membership, Organisation, Role

from .models import (
    PLACE_STAGES,
    Cohort,
    CohortTrainer,
    Consent,
    ConsentScope,
    Enrolment,
    Participant,
    Session,
    SessionStatus,
)
from .selectors.cohorts import cohort_overview
from .services.consent import has_active_consent, participant_needs_guardian

REMIND_BEFORE = timedelta(hours=24)
DIGEST_WEEKDAY = 0  # Monday
DIGEST_FROM_HOUR = 7
SESSION_TYPE = "programmes.session"


def _url(name: str, **kwargs: Any) -> str:
    return settings.COCORA_BASE_URL.rstrip("/") + reverse(name, kwargs=kwargs)


def _when(value: str) -> str:
    moment = parse_datetime(value)
    if moment is None:
        return value
    return format_with_year(moment, "LONG_DAY_TIME_FORMAT", today=timezone.localdate())


def _upcoming_sessions(*, organisation: Organisation, now: datetime) -> list[Session]:
    return list(
        Session.objects.for_org(organisation)
        .filter(
            status=SessionStatus.SCHEDULED, starts_at__gt=now, starts_at__lte=now + REMIND_BEFORE
        )
        .select_related("cohort", "cohort__programme", "module")
        .order_by("starts_at", "pk")
    )


def _session_context(organisation: Organisation, session: Session) -> dict[str, Any]:
    return {
        "starts_at": session.starts_at.isoformat(),
        "ends_at": session.ends_at.isoformat(),
        "cohort": session.cohort.name,
        "programme": session.cohort.programme.title,
        "module": session.module.title if session.module else "",
        "venue": session.venue or session.cohort.venue,
        "org_slug": organisation.slug,
        "session_id": session.pk,
    }


def _session_still_due(
    *, organisation: Organisation, deliveries: Iterable[Delivery], now: datetime
) -> dict[int, Session]:
    """The sessions of these deliveries that are still scheduled, at the same time, ahead."""
    deliveries = list(deliveries)
    sessions = Session.objects.for_org(organisation).filter(
        pk__in={int(d.object_id) for d in deliveries}, status=SessionStatus.SCHEDULED
    )
    return {
        s.pk: s
        for s in sessions
        if s.starts_at > now
        and any(
            d.occasion == s.starts_at.isoformat() for d in deliveries if d.object_id == str(s.pk)
        )
    }


# Trainers -----------------------------------------------------------------------------------


def plan_trainer_reminders(*, organisation: Organisation, now: datetime) -> Iterator[Intended]:
    """Three queries: sessions, trainer assignments with users, memberships."""
    sessions = _upcoming_sessions(organisation=organisation, now=now)
    if not sessions:
        return
    links = list(
        CohortTrainer.objects.for_org(organisation)
        .filter(cohort_id__in={s.cohort_id for s in sessions}, user__is_active=True)
        .select_related("user")
    )
    members = set(
        Membership.objects.for_org(organisation)
        .filter(user_id__in={link.user_id for link in links})
        .values_list("user_id", flat=True)
    )
    for session in sessions:
        for link in links:
            if link.cohort_id != session.cohort_id or link.user_id not in members:
                continue
            yield Intended(
                object_type=SESSION_TYPE,
                object_id=session.pk,
                occasion=session.starts_at.isoformat(),
                recipient_kind=RecipientKind.USER,
                email=link.user.email,
                language=email_language(
                    user=link.user, organisation_language=organisation.language
                ),
                user_id=link.user_id,
                context=_session_context(organisation, session),
            )


def trainers_still_wanted(
    *, organisation: Organisation, deliveries: list[Delivery], now: datetime
) -> set[int]:
    sessions = _session_still_due(organisation=organisation, deliveries=deliveries, now=now)
    assigned = set(
        CohortTrainer.objects.for_org(organisation)
        .filter(cohort_id__in={s.cohort_id for s in sessions.values()})
        .values_list("cohort_id", "user_id")
    )
    return {
        d.pk
        for d in deliveries
        if (session := sessions.get(int(d.object_id))) is not None
        and (session.cohort_id, d.recipient_user_id) in assigned
    }


def compose_trainer_reminder(*, organisation: Organisation, delivery: Delivery) -> EmailContent:
    c = delivery.context
    facts = [(_("When"), _when(c["starts_at"])), (_("Cohort"), c["cohort"])]
    if c.get("module"):
        facts.append((_("Module"), c["module"]))
    if c.get("venue"):
        facts.append((_("Venue"), c["venue"]))
    return EmailContent(
        subject=_("Tomorrow: %(cohort)s session") % {"cohort": c["cohort"]},
        greeting=_("Hello,"),
        paragraphs=[
            _("A reminder that you are training a session of %(programme)s within a day.")
            % {"programme": c["programme"]},
            _("After the session, record attendance and the session log on the session page."),
        ],
        facts=facts,
        link=(
            _("Open the session"),
            _url("session_detail", org_slug=c["org_slug"], session_id=c["session_id"]),
        ),
        reason=_("You get this because you are a trainer of this cohort."),
    )


# Participants and guardians -----------------------------------------------------------------


def plan_participant_reminders(*, organisation: Organisation, now: datetime) -> Iterator[Intended]:
    """Three queries whatever the number of people: sessions, places with participants, and
    the contact consents."""
    sessions = _upcoming_sessions(organisation=organisation, now=now)
    if not sessions:
        return
    today = timezone.localdate(now)
    enrolments = list(
        Enrolment.objects.for_org(organisation)
        .filter(cohort_id__in={s.cohort_id for s in sessions}, stage__in=PLACE_STAGES)
        .select_related("participant")
        .prefetch_related(
            Prefetch(
                "participant__consents",
                queryset=Consent.objects.for_org(organisation).filter(scope=ConsentScope.CONTACT),
            )
        )
    )
    for session in sessions:
        context = _session_context(organisation, session)
        for enrolment in enrolments:
            if enrolment.cohort_id != session.cohort_id:
                continue
            participant = enrolment.participant
            for kind, email in _contacts(participant, organisation=organisation, today=today):
                yield Intended(
                    object_type=SESSION_TYPE,
                    object_id=session.pk,
                    occasion=session.starts_at.isoformat(),
                    recipient_kind=kind,
                    email=email,
                    language=participant.preferred_language or organisation.language,
                    participant_id=participant.pk,
                    context={**context, "name": participant.display_name},
                )


def _contacts(
    participant: Participant, *, organisation: Organisation, today: Any
) -> list[tuple[str, str]]:
    """Who may be written to about this participant: nobody without an active contact
    consent; the young person at their own address; the guardian where one is needed."""
    if not has_active_consent(participant.consents.all(), scope=ConsentScope.CONTACT, today=today):
        return []
    found = []
    if participant.email:
        found.append((RecipientKind.PARTICIPANT, participant.email))
    if participant.guardian_email and participant_needs_guardian(
        participant, organisation=organisation, today=today
    ):
        found.append((RecipientKind.GUARDIAN, participant.guardian_email))
    return found


def participants_still_wanted(
    *, organisation: Organisation, deliveries: list[Delivery], now: datetime
) -> set[int]:
    """Asked again just before sending: a consent withdrawn or a place given up a minute ago
    stops the email."""
    sessions = _session_still_due(organisation=organisation, deliveries=deliveries, now=now)
    today = timezone.localdate(now)
    participant_ids = {d.recipient_participant_id for d in deliveries}
    places = set(
        Enrolment.objects.for_org(organisation)
        .filter(
            participant_id__in=participant_ids,
            cohort_id__in={s.cohort_id for s in sessions.values()},
            stage__in=PLACE_STAGES,
        )
        .values_list("cohort_id", "participant_id")
    )
    participants = {
        p.pk: p
        for p in Participant.objects.for_org(organisation)
        .filter(pk__in=participant_ids)
        .prefetch_related(
            Prefetch(
                "consents",
                queryset=Consent.objects.for_org(organisation).filter(scope=ConsentScope.CONTACT),
            )
        )
    }
    wanted = set()
    for d in deliveries:
        session = sessions.get(int(d.object_id))
        participant = participants.get(d.recipient_participant_id or 0)
        if session is None or participant is None:
            continue
        if (session.cohort_id, participant.pk) not in places:
            continue
        kinds = {k for k, _email in _contacts(participant, organisation=organisation, today=today)}
        if d.recipient_kind in kinds:
            wanted.add(d.pk)
    return wanted


def compose_participant_reminder(*, organisation: Organisation, delivery: Delivery) -> EmailContent:
    c = delivery.context
    facts = [(_("When"), _when(c["starts_at"]))]
    if c.get("module"):
        facts.append((_("Topic"), c["module"]))
    if c.get("venue"):
        facts.append((_("Where"), c["venue"]))
    if delivery.recipient_kind == RecipientKind.GUARDIAN:
        paragraphs = [
            _("%(name)s's next %(cohort)s session is within a day.")
            % {"name": c["name"], "cohort": c["cohort"]},
        ]
        reason = _("You get this as the contact agreed for %(name)s.") % {"name": c["name"]}
    else:
        paragraphs = [
            _("Your next %(cohort)s session is within a day. We look forward to seeing you!")
            % {"cohort": c["cohort"]},
            _("If you cannot come, let your trainer know."),
        ]
        reason = _("You get this because you agreed to be contacted by email.")
    return EmailContent(
        subject=_("Reminder: %(cohort)s session") % {"cohort": c["cohort"]},
        greeting=_("Hello %(name)s,") % {"name": c["name"]}
        if delivery.recipient_kind == RecipientKind.PARTICIPANT
        else _("Hello,"),
        paragraphs=paragraphs,
        facts=facts,
        reason=reason,
    )


# Coordinators' weekly digest ----------------------------------------------------------------


def plan_coordinator_digest(*, organisation: Organisation, now: datetime) -> Iterator[Intended]:
    """On Mondays from 07:00 organisation time; at most one per coordinator and ISO week.
    Queries grow with the coordinators' cohorts (the cohort overview is five per cohort): a
    weekly run, not a page."""
    local = timezone.localtime(now)
    if local.weekday() != DIGEST_WEEKDAY or local.hour < DIGEST_FROM_HOUR:
        return
    year, week, _day = local.isocalendar()
    occasion = f"{year}-W{week:02d}"
    today = local.date()
    coordinators = list(
        Membership.objects.for_org(organisation)
        .filter(role__in=[Role.ADMIN, Role.COORDINATOR], user__is_active=True)
        .select_related("user")
    )
    cohorts = list(
        Cohort.objects.for_org(organisation)
        .filter(coordinator_id__in={m.user_id for m in coordinators})
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .order_by("name")
    )
    if not cohorts:
        return
    sessions = list(
        Session.objects.for_org(organisation)
        .filter(
            cohort_id__in={c.pk for c in cohorts},
            status=SessionStatus.SCHEDULED,
            starts_at__gte=now,
            starts_at__lt=now + timedelta(days=7),
        )
        .select_related("module")
        .order_by("starts_at")
    )
    concerns = {}
    for cohort in cohorts:
        overview = cohort_overview(organisation=organisation, cohort=cohort, viewer=None)
        concerns[cohort.pk] = sum(1 for p in overview.progress if p.needs_check_in)
    for membership in coordinators:
        mine = [c for c in cohorts if c.coordinator_id == membership.user_id]
        if not mine:
            continue
        names = {c.pk: c.name for c in mine}
        yield Intended(
            object_type="organisations.organisation",
            object_id=organisation.pk,
            occasion=occasion,
            recipient_kind=RecipientKind.USER,
            email=membership.user.email,
            language=email_language(
                user=membership.user, organisation_language=organisation.language
            ),
            user_id=membership.user_id,
            context={
                "week": occasion,
                "sessions": [
                    {
                        "starts_at": s.starts_at.isoformat(),
                        "cohort": names[s.cohort_id],
                        "module": s.module.title if s.module else "",
                        "venue": s.venue,
                    }
                    for s in sessions
                    if s.cohort_id in names
                ],
                "concerns": [
                    {
                        "cohort": c.name,
                        "count": concerns[c.pk],
                        "url": _url("cohort_detail", org_slug=organisation.slug, cohort_id=c.pk),
                    }
                    for c in mine
                    if concerns[c.pk]
                ],
            },
        )


def coordinators_still_wanted(
    *, organisation: Organisation, deliveries: list[Delivery], now: datetime
) -> set[int]:
    coordinating = set(
        Membership.objects.for_org(organisation)
        .filter(
            user_id__in={d.recipient_user_id for d in deliveries},
            role__in=[Role.ADMIN, Role.COORDINATOR],
        )
        .values_list("user_id", flat=True)
    )
    return {d.pk for d in deliveries if d.recipient_user_id in coordinating}


def compose_coordinator_digest(*, organisation: Organisation, delivery: Delivery) -> EmailContent:
    c = delivery.context
    sessions = [
        " · ".join(
            part for part in (_when(s["starts_at"]), s["cohort"], s["module"], s["venue"]) if part
        )
        for s in c["sessions"]
    ]
    concerns = [
        ngettext(
            "%(cohort)s: %(count)s person missed 3 or more sessions in a row — check in? %(url)s",
            "%(cohort)s: %(count)s people missed 3 or more sessions in a row — check in? %(url)s",
            x["count"],
        )
        % {"cohort": x["cohort"], "count": x["count"], "url": x["url"]}
        for x in c["concerns"]
    ]
    sections = [
        Section(
            title=_("Sessions in the week ahead"),
            items=sessions or [_("No sessions are scheduled in your cohorts this week.")],
        ),
        Section(
            title=_("Attendance concerns"),
            items=concerns or [_("Nobody has missed several sessions in a row.")],
        ),
    ]
    return EmailContent(
        subject=_("Your week at %(organisation)s") % {"organisation": organisation.name},
        greeting=_("Hello,"),
        paragraphs=[_("Here is what is coming up in the cohorts you coordinate.")],
        sections=sections,
        link=(_("Open Cocora"), _url("home")),
        reason=_("You get this because you coordinate cohorts."),
    )


# Messages to a cohort's trainers ------------------------------------------------------------

COHORT_TYPE = "programmes.cohort"
TRAINERS_MESSAGE_RULE = "programmes.cohort_trainers_message"


def plan_nothing(*, organisation: Organisation, now: datetime) -> Iterator[Intended]:
    """A coordinator writes these messages (`cohort_trainers_email`): nothing is planned."""
    return iter(())


def trainers_message_still_wanted(
    *, organisation: Organisation, deliveries: list[Delivery], now: datetime
) -> set[int]:
    """Only to people who still train the cohort when the message goes out."""
    assigned = set(
        CohortTrainer.objects.for_org(organisation)
        .filter(cohort_id__in={int(d.object_id) for d in deliveries})
        .values_list("cohort_id", "user_id")
    )
    return {d.pk for d in deliveries if (int(d.object_id), d.recipient_user_id) in assigned}


def compose_trainers_message(*, organisation: Organisation, delivery: Delivery) -> EmailContent:
    """The coordinator's own words as written, framed in the trainer's language."""
    c = delivery.context
    return EmailContent(
        subject=c["subject"],
        greeting=_("Hello,"),
        paragraphs=[
            _("%(sender)s wrote to the trainers of %(cohort)s:")
            % {"sender": c["sender"], "cohort": c["cohort"]},
            *[part for part in c["message"].split("\n\n") if part.strip()],
        ],
        link=(
            _("Open the cohort"),
            _url("cohort_detail", org_slug=c["org_slug"], cohort_id=c["cohort_id"]),
        ),
        reason=_("You get this because you are a trainer of this cohort."),
    )


register(
    Rule(
        name="programmes.session_trainers",
        kind="session_trainer",
        label=gettext_lazy("Session reminders for trainers"),
        plan=plan_trainer_reminders,
        compose=compose_trainer_reminder,
        still_wanted=trainers_still_wanted,
    )
)
register(
    Rule(
        name="programmes.session_participants",
        kind="session_participant",
        label=gettext_lazy("Session reminders"),
        plan=plan_participant_reminders,
        compose=compose_participant_reminder,
        still_wanted=participants_still_wanted,
    )
)
register(
    Rule(
        name="programmes.coordinator_digest",
        kind="coordinator_digest",
        label=gettext_lazy("Weekly coordinator digest"),
        plan=plan_coordinator_digest,
        compose=compose_coordinator_digest,
        still_wanted=coordinators_still_wanted,
    )
)
register(
    Rule(
        name=TRAINERS_MESSAGE_RULE,
        kind="cohort_trainers_message",
        label=gettext_lazy("Messages to a cohort's trainers"),
        plan=plan_nothing,
        compose=compose_trainers_message,
        still_wanted=trainers_message_still_wanted,
    )
)
