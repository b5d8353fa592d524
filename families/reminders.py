"""Emails of the families app (registered with cocora.notifications.registry):

- an invitation to a family activity, to each guardian a coordinator invited;
- a guardian's personal link, when a coordinator sends (or sends again) one.

Both are planned at once after the coordinator's action (services.py) and again by the
periodic planner for a while after it (PLAN_WINDOW), in case the first run was lost; the
delivery log keeps each one email. Just before sending, the guardian must still be reachable
(a withdrawn contact consent stops the email) and the activity still ahead at the same time, or
the link still working.
"""

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cocora.core.templatetags.cocora_dates import format_with_year
from cocora.notifications.models import Delivery, RecipientKind
from cocora.notifications.registry import EmailContent, Intended, Rule, register
from cocora.organisations.models import Organisation
from programmes.models import Participant

from .contacts import guardian_language, guardian_reachable
from .links import link_secret
from .models import FamilyActivity, FamilyActivityKind, GuardianInvitation, GuardianLink
from .selectors import contact_consents

# How long after a coordinator's action the periodic planner still looks for its emails.
PLAN_WINDOW = timedelta(hours=2)
ACTIVITY_TYPE = "families.familyactivity"
LINK_TYPE = "families.guardianlink"


def _when(value: str) -> str:
    moment = parse_datetime(value)
    if moment is None:
        return value
    return format_with_year(moment, "LONG_DAY_TIME_FORMAT", today=timezone.localdate())


def _reachable(organisation: Organisation, participants: set[int], now: datetime) -> set[int]:
    """Of these participants, those whose guardian may be written to now: two queries."""
    today = timezone.localdate(now)
    found = (
        Participant.objects.for_org(organisation)
        .filter(pk__in=participants)
        .prefetch_related(contact_consents(organisation))
    )
    return {p.pk for p in found if guardian_reachable(p, organisation=organisation, today=today)}


def _to_guardian(
    participant: Participant, *, organisation: Organisation, **fields: Any
) -> Intended:
    """An email to the participant's guardian, in the family's language."""
    return Intended(
        recipient_kind=RecipientKind.GUARDIAN,
        email=participant.guardian_email,
        language=guardian_language(participant, organisation=organisation),
        participant_id=participant.pk,
        **fields,
    )


# Invitations ---------------------------------------------------------------------------------


def plan_invitations(*, organisation: Organisation, now: datetime) -> Iterator[Intended]:
    """Three queries: recent invitations with their activities and participants, and the
    participants' contact consents."""
    today = timezone.localdate(now)
    invitations = (
        GuardianInvitation.objects.for_org(organisation)
        .filter(invited_at__gte=now - PLAN_WINDOW, activity__starts_at__gt=now)
        .select_related("activity", "activity__cohort", "participant")
        .prefetch_related(contact_consents(organisation, "participant__consents"))
        .order_by("pk")
    )
    for invitation in invitations:
        participant = invitation.participant
        if not guardian_reachable(participant, organisation=organisation, today=today):
            continue
        activity = invitation.activity
        yield _to_guardian(
            participant,
            organisation=organisation,
            object_type=ACTIVITY_TYPE,
            object_id=activity.pk,
            # A moved activity is a new occasion: the guardian hears the new time.
            occasion=activity.starts_at.isoformat(),
            context={
                "name": participant.display_name,
                "kind": activity.kind,
                "title": activity.title,
                "cohort": activity.cohort.name,
                "starts_at": activity.starts_at.isoformat(),
                "venue": activity.venue or activity.cohort.venue,
            },
        )


def invitations_still_wanted(
    *, organisation: Organisation, deliveries: list[Delivery], now: datetime
) -> set[int]:
    activities = {
        a.pk: a
        for a in FamilyActivity.objects.for_org(organisation).filter(
            pk__in={int(d.object_id) for d in deliveries}, starts_at__gt=now
        )
    }
    invited = set(
        GuardianInvitation.objects.for_org(organisation)
        .filter(activity_id__in=activities)
        .values_list("activity_id", "participant_id")
    )
    reachable = _reachable(organisation, {d.recipient_participant_id or 0 for d in deliveries}, now)
    wanted = set()
    for d in deliveries:
        activity = activities.get(int(d.object_id))
        if activity is None or d.occasion != activity.starts_at.isoformat():
            continue
        if (activity.pk, d.recipient_participant_id) in invited and (
            d.recipient_participant_id in reachable
        ):
            wanted.add(d.pk)
    return wanted


def compose_invitation(*, organisation: Organisation, delivery: Delivery) -> EmailContent:
    c = delivery.context
    kind = str(FamilyActivityKind(c["kind"]).label) if c["kind"] in FamilyActivityKind else ""
    facts = [(_("What"), kind), (_("When"), _when(c["starts_at"]))]
    if c.get("venue"):
        facts.append((_("Where"), c["venue"]))
    return EmailContent(
        subject=_("Invitation: %(title)s") % {"title": c["title"]},
        greeting=_("Hello,"),
        paragraphs=[
            _(
                "You are invited to %(title)s, for the families of the group %(cohort)s, "
                "in which %(name)s takes part. We would be glad to see you."
            )
            % {"title": c["title"], "cohort": c["cohort"], "name": c["name"]},
        ],
        facts=facts,
        reason=_("You get this as the contact agreed for %(name)s.") % {"name": c["name"]},
    )


# Guardian links ------------------------------------------------------------------------------


def plan_links(*, organisation: Organisation, now: datetime) -> Iterator[Intended]:
    """Two queries: recent working links with their participants, and the contact consents."""
    today = timezone.localdate(now)
    links = (
        GuardianLink.objects.for_org(organisation)
        .filter(created_at__gte=now - PLAN_WINDOW, revoked_at__isnull=True, expires_at__gt=now)
        .select_related("participant")
        .prefetch_related(contact_consents(organisation, "participant__consents"))
        .order_by("pk")
    )
    for link in links:
        participant = link.participant
        if not guardian_reachable(participant, organisation=organisation, today=today):
            continue
        yield _to_guardian(
            participant,
            organisation=organisation,
            object_type=LINK_TYPE,
            object_id=link.pk,
            occasion="sent",
            # The nonce, not the secret: the secret is derived again, with a key the database
            # does not hold, when the email is written.
            context={
                "name": participant.display_name,
                "org_slug": organisation.slug,
                "nonce": link.nonce,
                "expires_at": link.expires_at.isoformat(),
            },
        )


def links_still_wanted(
    *, organisation: Organisation, deliveries: list[Delivery], now: datetime
) -> set[int]:
    working = set(
        GuardianLink.objects.for_org(organisation)
        .filter(
            pk__in={int(d.object_id) for d in deliveries},
            revoked_at__isnull=True,
            expires_at__gt=now,
        )
        .values_list("pk", flat=True)
    )
    reachable = _reachable(organisation, {d.recipient_participant_id or 0 for d in deliveries}, now)
    return {
        d.pk
        for d in deliveries
        if int(d.object_id) in working and d.recipient_participant_id in reachable
    }


def guardian_url(org_slug: str, secret: str) -> str:
    path = reverse("guardian_page", kwargs={"org_slug": org_slug, "guardian_token": secret})
    return settings.COCORA_BASE_URL.rstrip("/") + path


def compose_link(*, organisation: Organisation, delivery: Delivery) -> EmailContent:
    c = delivery.context
    return EmailContent(
        subject=_("%(name)s's sessions and your consents") % {"name": c["name"]},
        greeting=_("Hello,"),
        paragraphs=[
            _(
                "Through the link below you can see when and where %(name)s's group meets, "
                "the family activities coming up, and the consents you gave for %(name)s. You "
                "can withdraw a consent there at any time."
            )
            % {"name": c["name"]},
            _("The link is personal: please do not pass it on. No password is needed."),
        ],
        link=(_("Open the page"), guardian_url(c["org_slug"], link_secret(c["nonce"]))),
        closing=[_("The link works until %(date)s.") % {"date": _when(c["expires_at"])}],
        reason=_("You get this as the contact agreed for %(name)s.") % {"name": c["name"]},
    )


register(
    Rule(
        name="families.guardian_invitation",
        kind="family_invitation",
        label=gettext_lazy("Invitations to family activities"),
        plan=plan_invitations,
        compose=compose_invitation,
        still_wanted=invitations_still_wanted,
    )
)
register(
    Rule(
        name="families.guardian_link",
        kind="guardian_link",
        label=gettext_lazy("Links to a child's sessions and consents"),
        plan=plan_links,
        compose=compose_link,
        still_wanted=links_still_wanted,
    )
)
