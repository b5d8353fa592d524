"""Reads of the families app. Admins and coordinators see every cohort's family activities;
a trainer sees those of the cohorts they are assigned to (read only: they meet these families
too), and neither guardians' invitations nor links."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Exists, F, OuterRef, Prefetch, QuerySet
from django.http import Http404

from cocora.organisations.models import Membership, Organisation, Role
from programmes.models import (
    ATTENDING_STAGES,
    Cohort,
    CohortTrainer,
    Consent,
    ConsentGiver,
    ConsentScope,
    Enrolment,
    Participant,
    Session,
)

from .contacts import guardian_reachable
from .links import secret_hash
from .models import FamilyActivity, GuardianInvitation, GuardianLink


def _visible(
    activities: QuerySet[FamilyActivity], *, organisation: Organisation, membership: Membership
) -> QuerySet[FamilyActivity]:
    if membership.role == Role.TRAINER:
        assigned = CohortTrainer.objects.for_org(organisation).filter(
            cohort=OuterRef("cohort_id"), user_id=membership.user_id
        )
        return activities.filter(Exists(assigned))
    if membership.role not in (Role.ADMIN, Role.COORDINATOR):
        return activities.none()
    return activities


def family_activity_queryset(
    *, organisation: Organisation, membership: Membership, cohort_id: int | None = None
) -> QuerySet[FamilyActivity]:
    """The activities this member may see, newest first, with their cohort: one query."""
    activities = FamilyActivity.objects.for_org(organisation)
    if cohort_id is not None:
        activities = activities.filter(cohort_id=cohort_id)
    return (
        _visible(activities, organisation=organisation, membership=membership)
        .select_related("cohort", "cohort__programme")
        .order_by("-starts_at", "-pk")
    )


def family_activity_get(
    *, organisation: Organisation, membership: Membership, activity_id: Any
) -> FamilyActivity:
    """The activity if this member may see it; 404 otherwise (as for another organisation's)."""
    activity = (
        family_activity_queryset(organisation=organisation, membership=membership)
        .filter(pk=activity_id)
        .first()
    )
    if activity is None:
        raise Http404
    return activity


@dataclass
class GuardianRow:
    """A participant of a cohort as the families pages show them: whether their guardian can be
    written to, was invited to the activity, and holds a working link."""

    participant: Participant
    reachable: bool
    invited_at: datetime | None = None
    link: GuardianLink | None = None


def contact_consents(organisation: Organisation, path: str = "consents") -> Prefetch:
    """The prefetch of the contact consents that guardian_reachable reads."""
    return Prefetch(
        path, queryset=Consent.objects.for_org(organisation).filter(scope=ConsentScope.CONTACT)
    )


def participant_with_contact_consents(
    *, organisation: Organisation, participant_id: Any
) -> Participant:
    """The participant with their contact consents, as guardian_reachable expects; 404 if not
    of this organisation."""
    participant = (
        Participant.objects.for_org(organisation)
        .filter(pk=participant_id)
        .prefetch_related(contact_consents(organisation))
        .first()
    )
    if participant is None:
        raise Http404
    return participant


def cohort_participants(*, organisation: Organisation, cohort: Cohort) -> QuerySet[Participant]:
    """The people of a cohort whose families the cohort's family work is for: holding a place
    or completed, with their contact consents (two queries)."""
    return (
        Participant.objects.for_org(organisation)
        .filter(
            pk__in=Enrolment.objects.for_org(organisation)
            .filter(cohort=cohort, stage__in=ATTENDING_STAGES)
            .values("participant_id")
        )
        .prefetch_related(contact_consents(organisation))
        .order_by("display_name", "code")
    )


def guardian_rows(
    *,
    organisation: Organisation,
    cohort: Cohort,
    today: date,
    now: datetime,
    activity: FamilyActivity | None = None,
) -> list[GuardianRow]:
    """A row per participant of the cohort: four queries whatever their number (participants,
    contact consents, the activity's invitations, working links)."""
    participants = list(cohort_participants(organisation=organisation, cohort=cohort))
    ids = [p.pk for p in participants]
    invited: dict[int, datetime] = {}
    if activity is not None:
        invited = dict(
            GuardianInvitation.objects.for_org(organisation)
            .filter(activity=activity)
            .values_list("participant_id", "invited_at")
        )
    links: dict[int, GuardianLink] = {}
    for link in (
        GuardianLink.objects.for_org(organisation)
        .filter(participant_id__in=ids, revoked_at__isnull=True, expires_at__gt=now)
        .order_by("created_at", "pk")
    ):
        links[link.participant_id] = link  # the newest wins
    return [
        GuardianRow(
            participant=p,
            reachable=guardian_reachable(p, organisation=organisation, today=today),
            invited_at=invited.get(p.pk),
            link=links.get(p.pk),
        )
        for p in participants
    ]


def link_by_secret(*, organisation: Organisation, secret: str) -> GuardianLink | None:
    """The link of this secret in this organisation (another organisation's is not found)."""
    if not secret or len(secret) > 100:
        return None
    return (
        GuardianLink.objects.for_org(organisation)
        .select_related("participant")
        .filter(token_hash=secret_hash(secret))
        .first()
    )


def link_list(*, organisation: Organisation, participant: Participant) -> QuerySet[GuardianLink]:
    return GuardianLink.objects.for_org(organisation).filter(participant=participant)


@dataclass
class GuardianPage:
    participant: Participant
    sessions: list[Session]
    activities: list[FamilyActivity]
    consents: list[Consent]


def guardian_page(*, organisation: Organisation, link: GuardianLink, now: datetime) -> GuardianPage:
    """What a guardian sees: the coming sessions of their child's cohorts (no other young
    person's data: times, places, topics), the coming family activities of those cohorts, and
    the consents the guardian gave for the child. Four queries."""
    participant = link.participant
    cohort_ids = (
        Enrolment.objects.for_org(organisation)
        .filter(participant=participant, stage__in=ATTENDING_STAGES)
        .values("cohort_id")
    )
    sessions = list(
        Session.objects.for_org(organisation)
        .filter(cohort_id__in=cohort_ids, ends_at__gte=now)
        .select_related("cohort", "module")
        .order_by("starts_at", "pk")[:30]
    )
    activities = list(
        FamilyActivity.objects.for_org(organisation)
        .filter(cohort_id__in=cohort_ids, ends_at__gte=now)
        .select_related("cohort")
        .order_by("starts_at", "pk")[:10]
    )
    consents = list(
        Consent.objects.for_org(organisation)
        .filter(participant=participant, given_by=ConsentGiver.GUARDIAN)
        .order_by(F("withdrawn_at").asc(nulls_first=True), "scope", "-given_on", "pk")
    )
    return GuardianPage(
        participant=participant, sessions=sessions, activities=activities, consents=consents
    )
