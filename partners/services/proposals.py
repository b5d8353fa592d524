"""Partners as co-producers: their proposals of collaboration activities, follow-ups and changes
to the curriculum, the thread of comments on each, and the coordinator's decision.

A proposal is made by a partner contact for their own partner organisation, under an agreement
that is in force (started, not past its review date, the partner active). A curriculum change
also needs the agreement to allow programme materials: a partner proposes only on what it may
see. Accepting creates the activity or follow-up through the collaboration services, or applies
the text through the curriculum services, so that translations show as out of date as after any
other edit.
"""

from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cocora.audit.services import audit_record
from cocora.core.dates import check_plausible_dates, organisation_today
from cocora.core.errors import ApplicationError
from cocora.notifications.inbox import STAFF_ROLES, notification_create_after_commit
from cocora.notifications.models import NotificationKind
from cocora.organisations.models import Membership, Organisation, Role
from programmes.models import Activity, Module, Programme
from programmes.services import curriculum

from ..models import (
    DEFAULT_MATRIX,
    Agreement,
    CollaborationActivity,
    CollaborationKind,
    CollaborationPartner,
    InformationClass,
    PartnerContact,
    PartnerOrganisation,
    PartnerStatus,
    Proposal,
    ProposalComment,
    ProposalKind,
    ProposalStatus,
    SharingLevel,
    SharingRule,
)
from .collaboration import collaboration_activity_create, follow_up_create

DECIDING_ROLES = (Role.ADMIN, Role.COORDINATOR)


# -- who may propose what ---------------------------------------------------------------------


def proposing_contact(*, organisation: Organisation, user: Any) -> PartnerContact | None:
    """The partner contact that a signed-in user speaks for, with their partner."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        PartnerContact.objects.for_org(organisation)
        .filter(user=user)
        .select_related("partner")
        .first()
    )


def agreement_in_force(
    *, organisation: Organisation, partner: PartnerOrganisation, today: date
) -> Agreement | None:
    """The partner's agreement when it is in force on `today`: started, not past its review
    date, with a partner that is active. None otherwise."""
    if partner.status != PartnerStatus.ACTIVE:
        return None
    agreement = Agreement.objects.for_org(organisation).filter(partner=partner).first()
    return agreement if in_force(agreement, partner=partner, today=today) else None


def in_force(agreement: Agreement | None, *, partner: PartnerOrganisation, today: date) -> bool:
    """Whether `agreement` (the partner's, already read) is in force on `today`."""
    if partner.status != PartnerStatus.ACTIVE or agreement is None:
        return False
    if agreement.starts_on > today:
        return False
    return agreement.review_on is None or agreement.review_on >= today


def materials_allowed(*, organisation: Organisation, agreement: Agreement | None) -> bool:
    """Whether the agreement lets the partner see the programmes' materials (the curriculum).
    Without a rule the strict default applies, which allows them."""
    if agreement is None:
        return False
    rule = (
        SharingRule.objects.for_org(organisation)
        .filter(agreement=agreement, information_class=InformationClass.PROGRAMME_MATERIALS)
        .first()
    )
    level = rule.level if rule else DEFAULT_MATRIX[InformationClass.PROGRAMME_MATERIALS]
    return level == SharingLevel.ALLOWED


def _proposer(organisation: Organisation, actor: Any) -> tuple[PartnerContact, Agreement]:
    contact = proposing_contact(organisation=organisation, user=actor)
    if contact is None:
        raise ApplicationError(
            _("Only a contact person of a partner organisation can make a proposal.")
        )
    agreement = agreement_in_force(
        organisation=organisation, partner=contact.partner, today=organisation_today(organisation)
    )
    if agreement is None:
        raise ApplicationError(
            _(
                "Proposals need an agreement in force between %(partner)s and %(us)s. Ask your "
                "contact person about renewing it."
            )
            % {"partner": contact.partner.name, "us": organisation.name}
        )
    return contact, agreement


def _clean(value: Any) -> str:
    return str(value or "").strip()


def _require_title(title: str, *, missing: str) -> str:
    title = _clean(title)
    if not title:
        raise ApplicationError(missing, field="title")
    return title


def _check_activity_proposal(
    organisation: Organisation,
    *,
    collaboration_kind: str,
    held_at: datetime | None,
    programme: Programme | None,
) -> None:
    if collaboration_kind not in CollaborationKind.values:
        raise ApplicationError(_("Choose one of the listed kinds."), field="collaboration_kind")
    if held_at is None:
        raise ApplicationError(_("Give the date and time."), field="held_at")
    check_plausible_dates(held_at=held_at)
    if programme is not None and (
        programme.organisation_id != organisation.pk or programme.archived_at is not None
    ):
        raise ApplicationError(_("Choose one of the current programmes."), field="programme")


def _check_follow_up_proposal(
    organisation: Organisation,
    partner: PartnerOrganisation,
    *,
    follow_up_of: CollaborationActivity | None,
    due_on: date | None,
) -> None:
    if follow_up_of is None:
        raise ApplicationError(_("Choose the activity it follows up."), field="follow_up_of")
    takes_part = (
        CollaborationPartner.objects.for_org(organisation)
        .filter(activity=follow_up_of, partner=partner)
        .exists()
    )
    if follow_up_of.organisation_id != organisation.pk or not takes_part:
        raise ApplicationError(
            _("Choose an activity your organisation took part in."), field="follow_up_of"
        )
    if due_on is None:
        raise ApplicationError(_("Give the date it is due on."), field="due_on")
    check_plausible_dates(due_on=due_on)


def _check_curriculum_target(
    organisation: Organisation, *, module: Module | None, activity: Activity | None
) -> Programme:
    if (module is None) == (activity is None):
        raise ApplicationError(_("Choose one module or one activity of the curriculum."))
    target: Any = module if module is not None else activity
    if target.organisation_id != organisation.pk:
        raise ApplicationError(_("Choose a module or activity of this organisation."))
    programme: Programme = (
        module.programme if module is not None else activity.module.programme  # type: ignore[union-attr]
    )
    if programme.archived_at is not None:
        raise ApplicationError(_("This programme is archived: choose a current one."))
    return programme


# -- proposing and commenting -----------------------------------------------------------------


@transaction.atomic
def proposal_create(
    *,
    organisation: Organisation,
    actor: Any,
    kind: str,
    title: str,
    reason: str = "",
    text: str = "",
    collaboration_kind: str = "",
    held_at: datetime | None = None,
    place: str = "",
    programme: Programme | None = None,
    follow_up_of: CollaborationActivity | None = None,
    due_on: date | None = None,
    module: Module | None = None,
    curriculum_activity: Activity | None = None,
) -> Proposal:
    """A partner contact proposes, for their own partner organisation, an activity, a follow-up
    or a change to a module or activity of the curriculum. Audited; the coordinators learn of it
    through `proposal_arrived`."""
    contact, agreement = _proposer(organisation, actor)
    partner = contact.partner
    fields: dict[str, Any] = {"reason": _clean(reason)}
    if kind == ProposalKind.ACTIVITY:
        title = _require_title(title, missing=_("Give the activity a title."))
        _check_activity_proposal(
            organisation,
            collaboration_kind=collaboration_kind,
            held_at=held_at,
            programme=programme,
        )
        fields |= {
            "collaboration_kind": collaboration_kind,
            "held_at": held_at,
            "place": _clean(place),
            "programme": programme,
        }
    elif kind == ProposalKind.FOLLOW_UP:
        title = _require_title(title, missing=_("Say what is to be done."))
        _check_follow_up_proposal(organisation, partner, follow_up_of=follow_up_of, due_on=due_on)
        fields |= {"follow_up_of": follow_up_of, "due_on": due_on}
    elif kind == ProposalKind.CURRICULUM:
        if not materials_allowed(organisation=organisation, agreement=agreement):
            raise ApplicationError(
                _("The agreement does not share the programmes' materials with %(partner)s.")
                % {"partner": partner.name}
            )
        fields["programme"] = _check_curriculum_target(
            organisation, module=module, activity=curriculum_activity
        )
        title = _require_title(title, missing=_("Give the suggested title."))
        fields |= {"module": module, "curriculum_activity": curriculum_activity, "text": text or ""}
    else:
        raise ApplicationError(_("Choose what you propose."), field="kind")
    proposal = Proposal.objects.create(
        organisation=organisation,
        partner=partner,
        proposed_by=actor,
        kind=kind,
        title=title,
        **fields,
    )
    audit_record(
        organisation=organisation,
        actor=actor,
        action="proposal.created",
        target=proposal,
        details={"kind": kind, "partner": partner.pk},
    )
    proposal_arrived(organisation=organisation, proposal=proposal)
    return proposal


def proposal_arrived(*, organisation: Organisation, proposal: Proposal) -> None:
    """Runs inside `proposal_create`'s transaction once a proposal is stored: tells the
    organisation's coordinators and admins after commit (a proposal rolled back tells nobody)."""
    notification_create_after_commit(
        organisation=organisation,
        kind=NotificationKind.PROPOSAL,
        roles=STAFF_ROLES,
        exclude_ids=[proposal.proposed_by_id] if proposal.proposed_by_id else [],
        context={"by": proposal.partner.name, "title": proposal.title},
        link=reverse(
            "proposal_detail",
            kwargs={"org_slug": organisation.slug, "proposal_id": proposal.pk},
        ),
    )


def _side(organisation: Organisation, proposal: Proposal, actor: Any) -> bool:
    """True for the proposing partner's side, False for the organisation's; refuses anyone
    else (another partner's contact, a trainer, an ambassador)."""
    contact = proposing_contact(organisation=organisation, user=actor)
    if contact is not None:
        if contact.partner_id != proposal.partner_id:
            raise ApplicationError(_("This proposal belongs to another partner."))
        return True
    deciding = (
        Membership.objects.for_org(organisation)
        .filter(user=actor, role__in=DECIDING_ROLES)
        .exists()
    )
    if not deciding:
        raise ApplicationError(_("Only the partner and the coordinators take part in this thread."))
    return False


@transaction.atomic
def proposal_comment_add(
    *, organisation: Organisation, proposal: Proposal, actor: Any, text: str
) -> ProposalComment:
    """Adds a comment to a proposal's thread, open or decided: both sides see it."""
    if proposal.organisation_id != organisation.pk:
        raise ApplicationError(_("This proposal belongs to another organisation."))
    from_partner = _side(organisation, proposal, actor)
    text = _clean(text)
    if not text:
        raise ApplicationError(_("Write the comment first."), field="text")
    comment = ProposalComment.objects.create(
        organisation=organisation,
        proposal=proposal,
        author=actor,
        from_partner=from_partner,
        text=text,
    )
    audit_record(
        organisation=organisation,
        actor=actor,
        action="proposal.commented",
        target=proposal,
        details={"comment": comment.pk, "from_partner": from_partner},
    )
    return comment


# -- deciding ---------------------------------------------------------------------------------


def _lock_open(organisation: Organisation, proposal: Proposal, actor: Any) -> Proposal:
    if proposal.organisation_id != organisation.pk:
        raise ApplicationError(_("This proposal belongs to another organisation."))
    if _side(organisation, proposal, actor):
        raise ApplicationError(_("Only the coordinators decide on a proposal."))
    # The row lock makes two people deciding at once wait for each other: one decision wins.
    locked = Proposal.objects.for_org(organisation).select_for_update().get(pk=proposal.pk)
    if not locked.is_open:
        raise ApplicationError(
            _("This proposal was already decided: %(status)s.")
            % {"status": locked.get_status_display()},
            code="decided",
        )
    return locked


def _record_decision(proposal: Proposal, *, status: str, actor: Any, note: str) -> None:
    proposal.status = status
    proposal.decided_by = actor
    proposal.decided_at = timezone.now()
    proposal.decision_note = _clean(note)


ACCEPT_FIELDS = {
    ProposalKind.ACTIVITY: ("title", "collaboration_kind", "held_at", "place", "programme"),
    ProposalKind.FOLLOW_UP: ("title", "due_on"),
    ProposalKind.CURRICULUM: ("title", "text"),
}


@transaction.atomic
def proposal_accept(
    *,
    organisation: Organisation,
    proposal: Proposal,
    actor: Any,
    changes: dict[str, Any] | None = None,
    note: str = "",
) -> Proposal:
    """Accepts a proposal as written, or with the coordinator's `changes` (edit then accept):
    creates the collaboration activity (with the partner taking part) or the follow-up (owned by
    the partner), or applies the title and text to the module or activity of the curriculum.
    The proposal keeps what the partner wrote; the outcome shows what was done."""
    locked = _lock_open(organisation, proposal, actor)
    allowed = ACCEPT_FIELDS[ProposalKind(locked.kind)]
    changes = {k: v for k, v in (changes or {}).items() if v is not None}
    unknown = set(changes) - set(allowed)
    if unknown:
        raise TypeError(f"Fields that cannot change on this kind: {sorted(unknown)}")
    final = {name: getattr(locked, name) for name in allowed} | changes
    edited = any(final[name] != getattr(locked, name) for name in allowed)
    if locked.kind == ProposalKind.ACTIVITY:
        activity = collaboration_activity_create(
            organisation=organisation,
            partner_ids=[locked.partner_id],
            actor=actor,
            kind=final["collaboration_kind"],
            title=final["title"],
            held_at=final["held_at"],
            place=_clean(final["place"]),
            programme=final["programme"],
        )
        locked.created_activity = activity
    elif locked.kind == ProposalKind.FOLLOW_UP:
        if locked.follow_up_of is None:
            raise ApplicationError(_("The activity this follows up no longer exists."))
        locked.created_follow_up = follow_up_create(
            organisation=organisation,
            activity=locked.follow_up_of,
            description=_clean(final["title"]),
            due_on=final["due_on"],
            owner_partner=locked.partner,
            actor=actor,
        )
    else:
        _apply_to_curriculum(organisation, locked, title=final["title"], text=final["text"])
        locked.applied_title = _clean(final["title"])
        locked.applied_text = final["text"] or ""
    _record_decision(locked, status=ProposalStatus.ACCEPTED, actor=actor, note=note)
    locked.edited = edited
    locked.save()
    audit_record(
        organisation=organisation,
        actor=actor,
        action="proposal.accepted",
        target=locked,
        details={
            "kind": locked.kind,
            "edited": edited,
            "activity": locked.created_activity_id,
            "follow_up": locked.created_follow_up_id,
            "module": locked.module_id,
            "curriculum_activity": locked.curriculum_activity_id,
        },
    )
    return locked


def _apply_to_curriculum(
    organisation: Organisation, proposal: Proposal, *, title: str, text: str
) -> None:
    """Writes the title and text through the curriculum's own services (the same checks as an
    edit on the programme's page); the other fields stay as they are."""
    if proposal.module_id is not None:
        module = Module.objects.for_org(organisation).get(pk=proposal.module_id)
        curriculum.module_update(
            organisation=organisation,
            module=module,
            title=title,
            objectives=module.objectives,
            content_md=text or "",
            duration_minutes=module.duration_minutes,
        )
    elif proposal.curriculum_activity_id is not None:
        activity = Activity.objects.for_org(organisation).get(pk=proposal.curriculum_activity_id)
        curriculum.activity_update(
            organisation=organisation,
            activity=activity,
            title=title,
            method=activity.method,
            instructions_md=text or "",
            materials=activity.materials,
            duration_minutes=activity.duration_minutes,
        )
    else:
        raise ApplicationError(_("The module or activity of this proposal no longer exists."))


@transaction.atomic
def proposal_decline(
    *, organisation: Organisation, proposal: Proposal, actor: Any, reason: str
) -> Proposal:
    """Declines a proposal with a reason the partner reads."""
    locked = _lock_open(organisation, proposal, actor)
    reason = _clean(reason)
    if not reason:
        raise ApplicationError(
            _("Say why, so that the partner understands the decision."), field="reason"
        )
    _record_decision(locked, status=ProposalStatus.DECLINED, actor=actor, note=reason)
    locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit_record(
        organisation=organisation,
        actor=actor,
        action="proposal.declined",
        target=locked,
        details={"kind": locked.kind},
    )
    return locked
