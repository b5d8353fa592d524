"""Writes of the families app: family activities and their counts, guardians' invitations,
guardian links, and a guardian's withdrawal of a consent through their link. Emails go through
the delivery log (see reminders.py) after commit; each write leaves a line in the audit trail."""

import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cocora.audit.services import audit_record, audit_record_many
from cocora.core.dates import check_plausible_dates, organisation_today
from cocora.core.errors import ApplicationError
from cocora.organisations.models import Organisation
from programmes.models import Cohort, Consent, ConsentGiver, Participant
from programmes.services.consent import consent_withdraw

from .contacts import guardian_reachable
from .links import link_secret, new_nonce, secret_hash
from .models import FamilyActivity, FamilyActivityKind, GuardianInvitation, GuardianLink
from .selectors import cohort_participants, participant_with_contact_consents

ACTIVITY_FIELDS = ("kind", "title", "starts_at", "ends_at", "venue", "notes")
# How long a guardian link works; a new link for the same child revokes the older one.
LINK_VALID_DAYS = 90
# The largest count a person could mean (a typo beyond it is refused).
MAX_COUNT = 100_000


def _same_org(organisation: Organisation, *objects: Any) -> None:
    if any(obj.organisation_id != organisation.pk for obj in objects):
        raise ApplicationError(_("This belongs to another organisation."))


def _check_activity(fields: dict[str, Any], *, current: FamilyActivity | None = None) -> None:
    unknown = set(fields) - set(ACTIVITY_FIELDS)
    if unknown:
        raise TypeError(f"Unknown activity fields: {sorted(unknown)}")
    if "kind" in fields and fields["kind"] not in FamilyActivityKind.values:
        raise ApplicationError(_("Choose one of the listed kinds."), field="kind")
    if "title" in fields:
        fields["title"] = str(fields["title"] or "").strip()
        if not fields["title"]:
            raise ApplicationError(_("Give the activity a title."), field="title")
    for name in ("starts_at", "ends_at"):
        if name in fields and not isinstance(fields[name], datetime):
            raise ApplicationError(_("Give the date and time."), field=name)
    check_plausible_dates(starts_at=fields.get("starts_at"), ends_at=fields.get("ends_at"))
    starts_at = fields.get("starts_at", current.starts_at if current else None)
    ends_at = fields.get("ends_at", current.ends_at if current else None)
    if starts_at is not None and ends_at is not None and ends_at <= starts_at:
        raise ApplicationError(_("The activity must end after it starts."), field="ends_at")


@transaction.atomic
def family_activity_create(
    *, organisation: Organisation, cohort: Cohort, actor: Any = None, **fields: Any
) -> FamilyActivity:
    _same_org(organisation, cohort)
    for required in ("kind", "title", "starts_at", "ends_at"):
        if fields.get(required) in (None, ""):
            raise ApplicationError(_("This is required."), field=required)
    _check_activity(fields)
    activity = FamilyActivity.objects.create(
        organisation=organisation,
        cohort=cohort,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        **fields,
    )
    audit_record(
        organisation=organisation,
        actor=actor,
        action="family_activity.created",
        target=activity,
        details={"kind": activity.kind, "cohort": cohort.pk},
    )
    return activity


@transaction.atomic
def family_activity_update(
    *, organisation: Organisation, activity: FamilyActivity, actor: Any = None, **fields: Any
) -> FamilyActivity:
    """Changes the given fields. Guardians already invited are not written to again; a new
    invitation after a change of time goes out (see reminders.py)."""
    _same_org(organisation, activity)
    _check_activity(fields, current=activity)
    for name, value in fields.items():
        setattr(activity, name, value)
    activity.save(update_fields=list(fields))
    audit_record(
        organisation=organisation,
        actor=actor,
        action="family_activity.updated",
        target=activity,
        details={"fields": sorted(fields)},
    )
    return activity


@transaction.atomic
def family_activity_counts_record(
    *,
    organisation: Organisation,
    activity: FamilyActivity,
    adults_attended: int,
    young_people_attended: int,
    actor: Any = None,
) -> FamilyActivity:
    """Records who came as two counts, never names; once the activity has begun."""
    _same_org(organisation, activity)
    if activity.starts_at > timezone.now():
        raise ApplicationError(
            _("Counts are recorded after the activity: it has not begun yet."),
            field="adults_attended",
        )
    for name, value in (
        ("adults_attended", adults_attended),
        ("young_people_attended", young_people_attended),
    ):
        if value is None or not 0 <= value <= MAX_COUNT:
            raise ApplicationError(
                _("Give a number between 0 and %(max)s.") % {"max": MAX_COUNT}, field=name
            )
    activity.adults_attended = adults_attended
    activity.young_people_attended = young_people_attended
    activity.counts_recorded_at = timezone.now()
    activity.save(update_fields=["adults_attended", "young_people_attended", "counts_recorded_at"])
    audit_record(
        organisation=organisation,
        actor=actor,
        action="family_activity.counts_recorded",
        target=activity,
        details={"adults": adults_attended, "young_people": young_people_attended},
    )
    return activity


def _send_after_commit(organisation: Organisation) -> None:
    """Plans the new emails at once (the periodic planner would find them too, up to 15
    minutes later) through the delivery log's own task, after commit."""
    from cocora.notifications.tasks import plan_organisation

    organisation_id = organisation.pk
    transaction.on_commit(lambda: plan_organisation.delay(organisation_id))


@dataclass(frozen=True)
class InviteResult:
    invited: int
    already: int
    unreachable: int


@transaction.atomic
def guardians_invite(
    *,
    organisation: Organisation,
    activity: FamilyActivity,
    participant_ids: Iterable[int] | None = None,
    actor: Any = None,
) -> InviteResult:
    """Invites by email the guardians of the cohort's participants (all of them, or those
    given) to an activity that has not begun. A guardian who cannot be written to (no email, no
    contact consent, or a young person old enough to decide alone) is counted, not invited; one
    invited before is not invited twice. Four queries and two inserts whatever the number."""
    _same_org(organisation, activity)
    now = timezone.now()
    if activity.starts_at <= now:
        raise ApplicationError(_("This activity has begun: invitations are for coming ones."))
    participants = list(cohort_participants(organisation=organisation, cohort=activity.cohort))
    if participant_ids is not None:
        wanted = set(participant_ids)
        if not wanted:
            raise ApplicationError(_("Choose at least one family."), field="participants")
        if not wanted <= {p.pk for p in participants}:
            raise ApplicationError(_("Choose participants of this cohort."), field="participants")
        participants = [p for p in participants if p.pk in wanted]
    today = organisation_today(organisation)
    reachable = [
        p for p in participants if guardian_reachable(p, organisation=organisation, today=today)
    ]
    before = set(
        GuardianInvitation.objects.for_org(organisation)
        .filter(activity=activity)
        .values_list("participant_id", flat=True)
    )
    new = [
        GuardianInvitation(
            organisation=organisation,
            activity=activity,
            participant=p,
            invited_by=actor if getattr(actor, "is_authenticated", False) else None,
            invited_at=now,
        )
        for p in reachable
        if p.pk not in before
    ]
    GuardianInvitation.objects.bulk_create(new)
    audit_record_many(
        organisation=organisation,
        actor=actor,
        action="guardian.invited",
        targets=[(p, {"activity": activity.pk}) for p in reachable if p.pk not in before],
    )
    if new:
        _send_after_commit(organisation)
    return InviteResult(
        invited=len(new),
        already=len(reachable) - len(new),
        unreachable=len(participants) - len(reachable),
    )


@transaction.atomic
def guardian_link_send(
    *, organisation: Organisation, participant: Participant, actor: Any = None
) -> GuardianLink:
    """Makes a new link for the guardian of `participant` and emails it to them after commit;
    an older link of the same child stops working (a resend is a new link)."""
    _same_org(organisation, participant)
    participant = participant_with_contact_consents(
        organisation=organisation, participant_id=participant.pk
    )
    if not guardian_reachable(
        participant, organisation=organisation, today=organisation_today(organisation)
    ):
        raise ApplicationError(
            _(
                "The guardian cannot be written to: an email address, a consent to contact and "
                "a young person below the age of digital consent are needed."
            )
        )
    now = timezone.now()
    revoked = (
        GuardianLink.objects.for_org(organisation)
        .filter(participant=participant, revoked_at__isnull=True)
        .update(revoked_at=now)
    )
    nonce = new_nonce()
    link = GuardianLink.objects.create(
        organisation=organisation,
        participant=participant,
        nonce=nonce,
        token_hash=secret_hash(link_secret(nonce)),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        created_at=now,
        expires_at=now + timedelta(days=LINK_VALID_DAYS),
    )
    audit_record(
        organisation=organisation,
        actor=actor,
        action="guardian_link.sent",
        target=participant,
        details={"link": link.pk, "older_revoked": revoked},
    )
    _send_after_commit(organisation)
    return link


@transaction.atomic
def guardian_link_revoke(
    *, organisation: Organisation, link: GuardianLink, actor: Any = None
) -> GuardianLink:
    """Stops a link at once; revoking it twice changes nothing."""
    _same_org(organisation, link)
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
        audit_record(
            organisation=organisation,
            actor=actor,
            action="guardian_link.revoked",
            target=link.participant,
            details={"link": link.pk},
        )
    return link


def link_problem(*, link: GuardianLink, now: datetime | None = None) -> str:
    """Why a link no longer works, in words for the guardian; empty when it works."""
    now = now or timezone.now()
    if link.revoked_at is not None or link.expires_at <= now:
        return _(
            "This link no longer works. Ask the organisation for a new one: they can send it "
            "to you by email."
        )
    return ""


@transaction.atomic
def guardian_link_open(*, organisation: Organisation, link: GuardianLink) -> None:
    """Notes that the guardian opened their page (a read of a child's consents: audited)."""
    _same_org(organisation, link)
    link.last_opened_at = timezone.now()
    link.save(update_fields=["last_opened_at"])
    audit_record(
        organisation=organisation,
        actor=None,
        action="guardian_link.opened",
        target=link.participant,
        details={"link": link.pk},
    )


@transaction.atomic
def guardian_consent_withdraw(
    *, organisation: Organisation, link: GuardianLink, consent_id: Any
) -> Consent:
    """A guardian withdraws, through their link, a consent they gave for their child. The
    programmes' withdrawal does the rest (places, sharing, surveys, reminders stop; the trail
    says so)."""
    _same_org(organisation, link)
    problem = link_problem(link=link)
    if problem:
        raise ApplicationError(problem, code="conflict")
    consent = (
        Consent.objects.for_org(organisation)
        .filter(pk=consent_id, participant_id=link.participant_id, given_by=ConsentGiver.GUARDIAN)
        .first()
    )
    if consent is None:
        raise ApplicationError(_("There is no such consent on this page."), code="not_found")
    consent_withdraw(organisation=organisation, consent=consent, actor=None)
    audit_record(
        organisation=organisation,
        actor=None,
        action="guardian_link.consent_withdrawn",
        target=link.participant,
        details={"link": link.pk, "consent": consent.pk, "scope": consent.scope},
    )
    return consent


def family_records_erase(*, organisation: Organisation, subject: Any, actor: Any) -> dict[str, int]:
    """A participant's data is erased: their guardian's links and invitations go (a link
    would otherwise still open the page of an anonymised person)."""
    if not isinstance(subject, Participant):
        return {}
    links, _kinds = GuardianLink.objects.for_org(organisation).filter(participant=subject).delete()
    invitations, _kinds = (
        GuardianInvitation.objects.for_org(organisation).filter(participant=subject).delete()
    )
    counts = {"guardian_links_deleted": links, "guardian_invitations_deleted": invitations}
    return {key: value for key, value in counts.items() if value}


def family_records_export(*, organisation: Organisation, subject: Any) -> dict[str, Any]:
    """What a participant's export says of their family: when their guardian was invited to
    what, and the guardian's links (dates only; never a secret)."""
    if not isinstance(subject, Participant):
        return {}
    invitations = (
        GuardianInvitation.objects.for_org(organisation)
        .filter(participant=subject)
        .select_related("activity")
        .order_by("invited_at")
    )
    links = GuardianLink.objects.for_org(organisation).filter(participant=subject)
    if not invitations and not links:
        return {}
    zone = zoneinfo.ZoneInfo(organisation.time_zone)

    def moment(value: datetime | None) -> str | None:
        return None if value is None else timezone.localtime(value, zone).isoformat()

    return {
        "guardian_invitations": [
            {"activity": i.activity.title, "invited_at": moment(i.invited_at)} for i in invitations
        ],
        "guardian_links": [
            {
                "created_at": moment(link.created_at),
                "expires_at": moment(link.expires_at),
                "revoked_at": moment(link.revoked_at),
                "last_opened_at": moment(link.last_opened_at),
            }
            for link in links.order_by("created_at")
        ],
    }
