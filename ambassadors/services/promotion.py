"""Becoming an ambassador: from a completed Prevention enrolment, with consent, to an invited
account and a place in an Ambassador Programme cohort."""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cocora.audit.services import audit_record
from cocora.core.errors import ApplicationError
from cocora.organisations.models import Organisation, Role
from cocora.organisations.services import invitation_create
from programmes.models import (
    Cohort,
    Consent,
    ConsentGiver,
    ConsentScope,
    Enrolment,
    EnrolmentStage,
    Participant,
    ProgrammeKind,
)
from programmes.services.cohorts import enrolments_create
from programmes.services.consent import consent_is_active, participant_needs_guardian

from ..models import Ambassador, AmbassadorStatus
from ._common import check_same_organisation, require_coordinator


def ambassador_consent_missing(
    participant: Participant, consents: Any, *, organisation: Organisation, today: date
) -> list[str]:
    """What is missing of the consent to become an ambassador: below the organisation's age of
    digital consent a guardian's and the young person's own, from then on their own."""
    givers = {
        c.given_by
        for c in consents
        if c.scope == ConsentScope.AMBASSADOR and consent_is_active(c, today=today)
    }
    missing = []
    if participant_needs_guardian(participant, organisation=organisation, today=today):
        if ConsentGiver.GUARDIAN not in givers:
            missing.append(_("a parent's or guardian's consent to becoming an ambassador"))
        if ConsentGiver.SELF not in givers:
            missing.append(_("the young person's own agreement to becoming an ambassador"))
    elif ConsentGiver.SELF not in givers:
        missing.append(_("the young person's consent to becoming an ambassador"))
    return missing


def has_completed_prevention(*, organisation: Organisation, participant: Participant) -> bool:
    return (
        Enrolment.objects.for_org(organisation)
        .filter(
            participant=participant,
            stage=EnrolmentStage.COMPLETED,
            cohort__programme__kind=ProgrammeKind.PREVENTION,
        )
        .exists()
    )


def ambassador_path_blockers(
    *, organisation: Organisation, participant: Participant, today: date | None = None
) -> list[str]:
    """Why this participant cannot start the ambassador path yet; empty when they can."""
    today = today or timezone.localdate()
    if Ambassador.objects.for_org(organisation).filter(participant=participant).exists():
        return [_("%(name)s is an ambassador already.") % {"name": participant.display_name}]
    if not has_completed_prevention(organisation=organisation, participant=participant):
        return [
            _(
                "%(name)s has not completed the Prevention Programme: the ambassador path "
                "starts from a completed Prevention enrolment."
            )
            % {"name": participant.display_name}
        ]
    consents = Consent.objects.for_org(organisation).filter(participant=participant)
    missing = ambassador_consent_missing(
        participant, consents, organisation=organisation, today=today
    )
    if missing:
        return [
            _("Record %(missing)s first.")
            % {"missing": _(" and ").join(str(item) for item in missing)}
        ]
    return []


@transaction.atomic
def ambassador_promote(
    *,
    organisation: Organisation,
    participant: Participant,
    cohort: Cohort,
    email: str = "",
    actor: Any,
    today: date | None = None,
) -> Ambassador:
    """Starts the ambassador path: creates the ambassador (in training), invites them to an
    account with the ambassador role (the email goes out after commit) and enrols them in the
    chosen Ambassador Programme cohort."""
    check_same_organisation(organisation, participant, cohort)
    require_coordinator(organisation, actor, doing=_("start the ambassador path"))
    today = today or timezone.localdate()
    # Lock the participant: two coordinators starting the path at once make one ambassador.
    participant = (
        Participant.objects.for_org(organisation).select_for_update().get(pk=participant.pk)
    )
    blockers = ambassador_path_blockers(
        organisation=organisation, participant=participant, today=today
    )
    if blockers:
        raise ApplicationError(blockers[0])
    if cohort.programme.kind != ProgrammeKind.AMBASSADOR:
        raise ApplicationError(
            _("Choose a cohort of the Ambassador Programme for the training."), field="cohort"
        )
    email = (email or participant.email or "").strip()
    if not email:
        raise ApplicationError(
            _(
                "An email address is needed to invite %(name)s to their account: type one, "
                "or add it to their record."
            )
            % {"name": participant.display_name},
            field="email",
        )
    try:
        validate_email(email)
    except ValidationError:
        raise ApplicationError(
            _("%(email)s is not an email address.") % {"email": email}, field="email"
        ) from None
    invitation = invitation_create(
        organisation=organisation, email=email, role=Role.AMBASSADOR, invited_by=actor
    )
    ambassador = Ambassador.objects.create(
        organisation=organisation,
        participant=participant,
        invitation=invitation,
        cohort=cohort,
        status=AmbassadorStatus.IN_TRAINING,
        created_by=actor,
    )
    result = enrolments_create(
        organisation=organisation,
        cohort=cohort,
        participant_ids=[participant.pk],
        actor=actor,
        today=today,
    )
    audit_record(
        organisation=organisation,
        actor=actor,
        action="ambassador.promoted",
        target=ambassador,
        details={
            "participant_id": participant.pk,
            "cohort_id": cohort.pk,
            "invitation_id": invitation.pk,
            "enrolled": len(result.enrolled),
        },
    )
    return ambassador
