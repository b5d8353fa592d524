"""Cohorts, their trainers, and enrolment of participants."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from hashlib import sha256
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from cocora.accounts.language import email_language
from cocora.audit.services import audit_record, audit_record_many
from cocora.core.dates import check_plausible_dates
from cocora.core.errors import ApplicationError
from cocora.notifications.models import RecipientKind
from cocora.notifications.registry import Intended
from cocora.notifications.services import deliveries_enqueue
from cocora.organisations.models import Membership, Organisation, Role

from ..models import (
    PLACE_STAGES,
    Cohort,
    CohortTrainer,
    Consent,
    Enrolment,
    EnrolmentStage,
    Participant,
    Programme,
)
from ..reminders import COHORT_TYPE, TRAINERS_MESSAGE_RULE
from .consent import participation_consent_missing

COHORT_FIELDS = ("name", "starts_on", "ends_on", "venue", "capacity", "safe_space")


def _check_dates(starts_on: date, ends_on: date | None) -> None:
    check_plausible_dates(starts_on=starts_on, ends_on=ends_on)
    if ends_on is not None and ends_on < starts_on:
        raise ApplicationError(
            _("The cohort ends before it starts: check the end date."), field="ends_on"
        )


def _staff_user_ids(organisation: Organisation, roles: Iterable[str]) -> set[int]:
    return set(
        Membership.objects.for_org(organisation)
        .filter(role__in=list(roles))
        .values_list("user_id", flat=True)
    )


@transaction.atomic
def cohort_create(
    *,
    organisation: Organisation,
    programme: Programme,
    name: str,
    starts_on: date,
    ends_on: date | None = None,
    venue: str = "",
    capacity: int = 15,
    safe_space: bool = False,
    coordinator: Any = None,
    trainer_ids: Iterable[int] = (),
) -> Cohort:
    if programme.organisation_id != organisation.pk:
        raise ApplicationError(_("This programme belongs to another organisation."))
    if programme.archived_at is not None:
        raise ApplicationError(
            _("“%(title)s” is archived: open new cohorts in a current programme.")
            % {"title": programme.title},
            field="programme",
        )
    _check_dates(starts_on, ends_on)
    if coordinator is not None and coordinator.pk not in _staff_user_ids(
        organisation, [Role.ADMIN, Role.COORDINATOR]
    ):
        raise ApplicationError(
            _("The coordinator must be an admin or coordinator of the organisation."),
            field="coordinator",
        )
    cohort = Cohort.objects.create(
        organisation=organisation,
        programme=programme,
        name=name.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        venue=venue,
        capacity=capacity,
        safe_space=safe_space,
        coordinator=coordinator,
    )
    cohort_set_trainers(organisation=organisation, cohort=cohort, trainer_ids=trainer_ids)
    return cohort


@transaction.atomic
def cohort_update(
    *, organisation: Organisation, cohort: Cohort, actor: Any = None, **fields: Any
) -> Cohort:
    """Changes a cohort. A new coordinator (who will read its logs' confidential notes) must hold
    a coordinating role, and the change is written to the audit trail."""
    unknown = set(fields) - {*COHORT_FIELDS, "coordinator"}
    if unknown:
        raise TypeError(f"Unknown cohort fields: {sorted(unknown)}")
    if cohort.organisation_id != organisation.pk:
        raise ApplicationError(_("This cohort belongs to another organisation."))
    _check_dates(fields.get("starts_on", cohort.starts_on), fields.get("ends_on", cohort.ends_on))
    if "capacity" in fields:
        taken = (
            Enrolment.objects.for_org(organisation)
            .filter(cohort=cohort, stage__in=PLACE_STAGES)
            .count()
        )
        if fields["capacity"] < taken:
            raise ApplicationError(
                _("%(taken)s people hold a place already: the capacity cannot be lower.")
                % {"taken": taken},
                field="capacity",
            )
    old_coordinator_id = cohort.coordinator_id
    new_coordinator = fields.get("coordinator", cohort.coordinator)
    if (
        "coordinator" in fields
        and new_coordinator is not None
        and new_coordinator.pk != old_coordinator_id
        and new_coordinator.pk not in _staff_user_ids(organisation, [Role.ADMIN, Role.COORDINATOR])
    ):
        raise ApplicationError(
            _("The coordinator must be an admin or coordinator of the organisation."),
            field="coordinator",
        )
    for name, value in fields.items():
        setattr(cohort, name, value)
    cohort.save(update_fields=[*fields, "updated_at"])
    if cohort.coordinator_id != old_coordinator_id:
        audit_record(
            organisation=organisation,
            actor=actor,
            action="cohort.coordinator_changed",
            target=cohort,
            details={"from": old_coordinator_id, "to": cohort.coordinator_id},
        )
    return cohort


@transaction.atomic
def cohort_set_trainers(
    *, organisation: Organisation, cohort: Cohort, trainer_ids: Iterable[int], actor: Any = None
) -> None:
    """Replaces the cohort's trainers. Only members with the trainer, coordinator or admin role
    can be assigned."""
    wanted = {int(pk) for pk in trainer_ids}
    allowed = _staff_user_ids(organisation, [Role.TRAINER, Role.COORDINATOR, Role.ADMIN])
    if wanted - allowed:
        raise ApplicationError(
            _("Only trainers of this organisation can be assigned."), field="trainers"
        )
    current = set(
        CohortTrainer.objects.for_org(organisation)
        .filter(cohort=cohort)
        .values_list("user_id", flat=True)
    )
    CohortTrainer.objects.for_org(organisation).filter(
        cohort=cohort, user_id__in=current - wanted
    ).delete()
    CohortTrainer.objects.bulk_create(
        [
            CohortTrainer(organisation=organisation, cohort=cohort, user_id=user_id)
            for user_id in sorted(wanted - current)
        ]
    )
    if wanted != current:
        audit_record(
            organisation=organisation,
            actor=actor,
            action="cohort.trainers_changed",
            target=cohort,
            details={"added": sorted(wanted - current), "removed": sorted(current - wanted)},
        )


def _places_taken(organisation: Organisation, cohort: Cohort) -> int:
    return (
        Enrolment.objects.for_org(organisation)
        .filter(cohort=cohort, stage__in=PLACE_STAGES)
        .count()
    )


def _lock_cohort(organisation: Organisation, cohort: Cohort) -> Cohort:
    # Serialises enrolments into one cohort, so that two coordinators cannot both take the
    # last place.
    return Cohort.objects.for_org(organisation).select_for_update().get(pk=cohort.pk)


@dataclass
class EnrolResult:
    enrolled: list[Participant] = field(default_factory=list)
    waitlisted: list[Participant] = field(default_factory=list)
    needs_consent: list[tuple[Participant, list[str]]] = field(default_factory=list)
    already: list[Participant] = field(default_factory=list)


@transaction.atomic
def enrolments_create(
    *,
    organisation: Organisation,
    cohort: Cohort,
    participant_ids: Iterable[int],
    actor: Any = None,
    today: date | None = None,
    joined_on: date | None = None,
) -> EnrolResult:
    """Enrols many participants at once. Those with participation consent take the free places
    in the order given; once the cohort is full the rest go to the waiting list; those without
    consent are recorded as applied and reported with what is missing. A constant number of
    queries whatever the count."""
    if cohort.organisation_id != organisation.pk:
        raise ApplicationError(_("This cohort belongs to another organisation."))
    check_plausible_dates(joined_on=joined_on)
    ids = list(dict.fromkeys(int(pk) for pk in participant_ids))
    if not ids:
        raise ApplicationError(_("Choose at least one person to enrol."), field="participants")
    today = today or timezone.localdate()
    cohort = _lock_cohort(organisation, cohort)
    participants = {
        p.pk: p
        for p in Participant.objects.for_org(organisation)
        .filter(pk__in=ids)
        .prefetch_related(Prefetch("consents", queryset=Consent.objects.for_org(organisation)))
    }
    if len(participants) != len(ids):
        raise ApplicationError(
            _("Some of the chosen people are not participants here."), field="participants"
        )
    existing = set(
        Enrolment.objects.for_org(organisation)
        .filter(cohort=cohort, participant_id__in=ids)
        .values_list("participant_id", flat=True)
    )
    free = cohort.capacity - _places_taken(organisation, cohort)
    result = EnrolResult()
    rows = []
    for pk in ids:
        participant = participants[pk]
        if pk in existing:
            result.already.append(participant)
            continue
        missing = participation_consent_missing(
            participant, participant.consents.all(), organisation=organisation, today=today
        )
        if missing:
            stage = EnrolmentStage.APPLIED
            result.needs_consent.append((participant, missing))
        elif free > 0:
            stage = EnrolmentStage.ENROLLED
            free -= 1
            result.enrolled.append(participant)
        else:
            stage = EnrolmentStage.WAITLISTED
            result.waitlisted.append(participant)
        rows.append(
            Enrolment(
                organisation=organisation,
                cohort=cohort,
                participant=participant,
                stage=stage,
                joined_on=joined_on or today,
            )
        )
    Enrolment.objects.bulk_create(rows)
    audit_record(
        organisation=organisation,
        actor=actor,
        action="cohort.enrolled",
        target=cohort,
        details={
            "enrolled": len(result.enrolled),
            "waitlisted": len(result.waitlisted),
            "applied": len(result.needs_consent),
        },
    )
    return result


def enrolment_change_stage(
    *,
    organisation: Organisation,
    enrolment: Enrolment,
    stage: str,
    actor: Any = None,
    today: date | None = None,
) -> Enrolment:
    """Moves one enrolment to another stage, by the rules of `enrolments_stage_change`."""
    if enrolment.organisation_id != organisation.pk:
        raise ApplicationError(_("This enrolment belongs to another organisation."))
    enrolments_stage_change(
        organisation=organisation,
        cohort=enrolment.cohort,
        enrolment_ids=[enrolment.pk],
        stage=stage,
        actor=actor,
        today=today,
    )
    enrolment.stage = stage
    return enrolment


@transaction.atomic
def enrolments_stage_change(
    *,
    organisation: Organisation,
    cohort: Cohort,
    enrolment_ids: Iterable[int],
    stage: str,
    actor: Any = None,
    today: date | None = None,
) -> list[Enrolment]:
    """Moves some of a cohort's enrolments to one stage, all or none. Taking a place needs
    participation consent and enough free places; every transition is checked first, and the
    message names everyone who cannot move. Returns the enrolments that changed (those at that
    stage already are left as they are). Six queries whatever the number of people: each
    change is audited, in one insert."""
    if cohort.organisation_id != organisation.pk:
        raise ApplicationError(_("This cohort belongs to another organisation."))
    if stage not in EnrolmentStage.values:
        raise ApplicationError(_("Choose one of the listed stages."), field="stage")
    ids = list(dict.fromkeys(int(pk) for pk in enrolment_ids))
    if not ids:
        raise ApplicationError(_("Choose at least one person."), field="enrolments")
    today = today or timezone.localdate()
    cohort = _lock_cohort(organisation, cohort)
    enrolments = list(
        Enrolment.objects.for_org(organisation)
        .filter(cohort=cohort, pk__in=ids)
        .select_related("participant")
        .prefetch_related(
            Prefetch("participant__consents", queryset=Consent.objects.for_org(organisation))
        )
        .order_by("participant__display_name", "participant__code", "pk")
    )
    if len(enrolments) != len(ids):
        raise ApplicationError(
            _("Some of the chosen people are not in this cohort."), field="enrolments"
        )
    moving = [e for e in enrolments if e.stage != stage]
    joining = [e for e in moving if stage in PLACE_STAGES and e.stage not in PLACE_STAGES]
    leaving = sum(1 for e in moving if e.stage in PLACE_STAGES and stage not in PLACE_STAGES)
    problems = []
    for enrolment in joining:
        participant = enrolment.participant
        missing = participation_consent_missing(
            participant, participant.consents.all(), organisation=organisation, today=today
        )
        if missing:
            problems.append(
                _("%(name)s cannot take part yet: record %(missing)s first.")
                % {"name": participant.display_name, "missing": _(" and ").join(missing)}
            )
    if problems:
        raise ApplicationError(" ".join(problems), field="stage", code="conflict")
    if joining and _places_taken(organisation, cohort) - leaving + len(joining) > cohort.capacity:
        raise ApplicationError(
            _(
                "%(cohort)s is full (%(capacity)s places). Raise the capacity, or keep "
                "%(name)s on the waiting list."
            )
            % {
                "cohort": cohort.name,
                "capacity": cohort.capacity,
                "name": ", ".join(e.participant.display_name for e in joining),
            },
            field="stage",
            code="cap",
        )
    if not moving:
        return []
    now = timezone.now()
    Enrolment.objects.for_org(organisation).filter(pk__in=[e.pk for e in moving]).update(
        stage=stage, stage_changed_at=now
    )
    audit_record_many(
        organisation=organisation,
        actor=actor,
        action="enrolment.stage_changed",
        targets=[(e, {"from": e.stage, "to": stage}) for e in moving],
    )
    for enrolment in moving:
        enrolment.stage = stage
        enrolment.stage_changed_at = now
    return moving


def enrolment_create(
    *, organisation: Organisation, cohort: Cohort, participant: Participant, actor: Any = None
) -> EnrolResult:
    try:
        return enrolments_create(
            organisation=organisation, cohort=cohort, participant_ids=[participant.pk], actor=actor
        )
    except IntegrityError:
        raise ApplicationError(
            _("%(name)s is in this cohort already.") % {"name": participant.display_name}
        ) from None


@transaction.atomic
def cohort_trainers_email(
    *, organisation: Organisation, cohort: Cohort, subject: str, message: str, actor: Any
) -> int:
    """Emails the cohort's trainers through the delivery log, each framed in their own
    language; sending the same subject and message again sends nothing new. Audited. Returns
    how many emails were new."""
    if cohort.organisation_id != organisation.pk:
        raise ApplicationError(_("This cohort belongs to another organisation."))
    # A subject is one line (an email header cannot hold a line break).
    subject, message = " ".join(subject.split()), message.strip()
    if not subject:
        raise ApplicationError(_("Write a subject."), field="subject")
    if not message:
        raise ApplicationError(_("Write a message."), field="message")
    trainers = [
        link.user
        for link in CohortTrainer.objects.for_org(organisation)
        .filter(cohort=cohort)
        .select_related("user")
    ]
    if not trainers:
        raise ApplicationError(_("This cohort has no trainers yet."))
    # The message is the occasion: the same words twice are the same deliveries.
    occasion = sha256(f"{subject}\n{message}".encode()).hexdigest()[:32]
    context = {
        "subject": subject,
        "message": message,
        "cohort": cohort.name,
        "cohort_id": cohort.pk,
        "org_slug": organisation.slug,
        "sender": str(actor),
    }
    new = deliveries_enqueue(
        organisation=organisation,
        rule_name=TRAINERS_MESSAGE_RULE,
        intended=[
            Intended(
                object_type=COHORT_TYPE,
                object_id=cohort.pk,
                occasion=occasion,
                recipient_kind=RecipientKind.USER,
                email=user.email,
                language=email_language(user=user, organisation_language=organisation.language),
                user_id=user.pk,
                context=context,
            )
            for user in trainers
        ],
    )
    audit_record(
        organisation=organisation,
        actor=actor,
        action="cohort.trainers_emailed",
        target=cohort,
        # Counts only: the message itself stays in the delivery log, under its retention.
        details={"recipients": len(trainers), "new": new},
    )
    return new
