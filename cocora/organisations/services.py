"""Writes on organisations, memberships and invitations. Every function owns its transaction and
raises ApplicationError with a readable message when the input does not fit."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cocora.accounts.language import email_language
from cocora.accounts.models import User
from cocora.accounts.services import user_create
from cocora.api.models import ApiToken
from cocora.audit.services import audit_record
from cocora.core.emails import EmailContent, email_message
from cocora.core.errors import ApplicationError

from .context import current_db_context, set_db_context
from .models import Invitation, Membership, Organisation, Role

INVITATION_VALID_FOR = timedelta(days=14)
INVITATION_SALT = "cocora.organisations.invitation"


@transaction.atomic
def organisation_create(
    *, name: str, slug: str, country: str, language: str = "en", time_zone: str = "UTC"
) -> Organisation:
    if Organisation.objects.filter(slug=slug).exists():
        raise ApplicationError(
            _("The short name %(slug)s is taken already.") % {"slug": slug}, field="slug"
        )
    return Organisation.objects.create(
        name=name, slug=slug, country=country.upper(), language=language, time_zone=time_zone
    )


@transaction.atomic
def membership_create(*, organisation: Organisation, user: User, role: str) -> Membership:
    _check_role(role)
    try:
        with transaction.atomic():
            return Membership.objects.create(organisation=organisation, user=user, role=role)
    except IntegrityError:
        raise ApplicationError(
            _("%(email)s is a member of %(organisation)s already.")
            % {"email": user.email, "organisation": organisation.name}
        ) from None


@transaction.atomic
def membership_change_role(
    *, organisation: Organisation, membership_id: int, role: str, actor: User
) -> Membership:
    """Changes a member's role; the last admin cannot stop being one."""
    _check_role(role)
    membership = _lock_membership(organisation=organisation, membership_id=membership_id)
    if membership.role == role:
        return membership
    if membership.role == Role.ADMIN and _admin_count_locked(organisation) <= 1:
        raise ApplicationError(
            _("%(name)s is the only admin. Make someone else an admin first.")
            % {"name": membership.user}
        )
    old_role = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    audit_record(
        organisation=organisation,
        actor=actor,
        action="membership.role_changed",
        target=membership,
        details={"from": old_role, "to": role},
    )
    return membership


@transaction.atomic
def membership_remove(*, organisation: Organisation, membership_id: int, actor: User) -> None:
    """Removes a member from the organisation (the account stays); never the last admin."""
    membership = _lock_membership(organisation=organisation, membership_id=membership_id)
    if membership.role == Role.ADMIN and _admin_count_locked(organisation) <= 1:
        raise ApplicationError(
            _("%(name)s is the only admin and cannot be removed. Make someone else an admin first.")
            % {"name": membership.user}
        )
    audit_record(
        organisation=organisation,
        actor=actor,
        action="membership.removed",
        target=membership,
        details={"email": membership.user.email, "role": membership.role},
    )
    # The person's API tokens for this organisation go with the membership.
    ApiToken.objects.for_org(organisation).filter(user_id=membership.user_id).delete()
    membership.delete()


@transaction.atomic
def invitation_create(
    *, organisation: Organisation, email: str, role: str, invited_by: User | None
) -> Invitation:
    """Invites a person by email; the email goes out after commit."""
    _check_role(role)
    email = email.strip().lower()
    if Membership.objects.for_org(organisation).filter(user__email__iexact=email).exists():
        raise ApplicationError(
            _("%(email)s is a member of this organisation already.") % {"email": email},
            field="email",
        )
    # A new invitation replaces any open one for the same address.
    Invitation.objects.for_org(organisation).filter(
        email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=email,
        role=role,
        invited_by=invited_by,
        expires_at=timezone.now() + INVITATION_VALID_FOR,
    )
    audit_record(
        organisation=organisation,
        actor=invited_by,
        action="invitation.created",
        target=invitation,
        details={"email": email, "role": role},
    )
    transaction.on_commit(lambda: _send_invitation_email(invitation))
    return invitation


@transaction.atomic
def invitation_revoke(*, organisation: Organisation, invitation_id: int, actor: User) -> None:
    invitation = (
        Invitation.objects.for_org(organisation)
        .select_for_update()
        .filter(pk=invitation_id, accepted_at__isnull=True, revoked_at__isnull=True)
        .first()
    )
    if invitation is None:
        raise ApplicationError(_("This invitation is not open any more."))
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit_record(
        organisation=organisation, actor=actor, action="invitation.revoked", target=invitation
    )


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps(
        {"o": invitation.organisation_id, "i": invitation.pk}, salt=INVITATION_SALT
    )


@dataclass(frozen=True)
class OpenInvitation:
    invitation: Invitation
    organisation: Organisation


def invitation_from_token(*, token: str) -> OpenInvitation:
    """Reads an invitation from its link. Enters the invitation's organisation for the current
    transaction (the signature proves which organisation it is). Raises ApplicationError with a
    readable reason when the link is tampered with, expired, used or withdrawn."""
    max_age = INVITATION_VALID_FOR + timedelta(days=1)
    try:
        data = signing.loads(token, salt=INVITATION_SALT, max_age=max_age)
        organisation_id, invitation_id = int(data["o"]), int(data["i"])
    except signing.SignatureExpired:
        raise ApplicationError(
            _("This invitation has expired. Ask the person who invited you for a new one."),
            code="gone",
        ) from None
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise ApplicationError(
            _(
                "This invitation link is not valid. Check that you opened the whole link from the "
                "email, or ask for a new invitation."
            )
        ) from None
    set_db_context(organisation_id=organisation_id, user_id=current_db_context()[1] or None)
    invitation = (
        Invitation.objects.for_org(organisation_id)
        .select_related("organisation")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or invitation.revoked_at is not None:
        raise ApplicationError(
            _("This invitation was withdrawn. Ask the person who invited you for a new one."),
            code="gone",
        )
    if invitation.accepted_at is not None:
        raise ApplicationError(
            _("This invitation has been used already. Sign in to reach %(organisation)s.")
            % {"organisation": invitation.organisation.name},
            code="gone",
        )
    if invitation.expires_at <= timezone.now():
        raise ApplicationError(
            _("This invitation has expired. Ask the person who invited you for a new one."),
            code="gone",
        )
    return OpenInvitation(invitation=invitation, organisation=invitation.organisation)


@transaction.atomic
def invitation_accept(*, token: str, user: User) -> Membership:
    """Joins a signed-in user to the organisation with the invited role."""
    open_invitation = invitation_from_token(token=token)
    invitation = open_invitation.invitation
    if user.email.lower() != invitation.email.lower():
        raise ApplicationError(
            _(
                "This invitation was sent to %(invited)s, but you are signed in as %(current)s. "
                "Sign out, then open the link again."
            )
            % {"invited": invitation.email, "current": user.email}
        )
    membership = membership_create(
        organisation=open_invitation.organisation, user=user, role=invitation.role
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    audit_record(
        organisation=open_invitation.organisation,
        actor=user,
        action="invitation.accepted",
        target=invitation,
    )
    return membership


@transaction.atomic
def invitation_accept_with_new_account(*, token: str, name: str, password: str) -> Membership:
    """Creates the invited person's account (the link proves the address) and joins them."""
    invitation = invitation_from_token(token=token).invitation
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise ApplicationError(
            _("An account for %(email)s exists already. Sign in to accept the invitation.")
            % {"email": invitation.email}
        )
    user = user_create(email=invitation.email, password=password, name=name)
    return invitation_accept(token=token, user=user)


def _send_invitation_email(invitation: Invitation) -> None:
    organisation = invitation.organisation
    path = reverse("invitation_accept", kwargs={"token": invitation_token(invitation)})
    url = settings.COCORA_BASE_URL.rstrip("/") + path
    # In the language of the person's account if they have one already, else the organisation's;
    # in the organisation's time zone.
    recipient = User.objects.filter(email__iexact=invitation.email).first()
    language = email_language(user=recipient, organisation_language=organisation.language)
    with translation.override(language), timezone.override(organisation.time_zone):
        names = {"organisation": organisation.name, "role": invitation.get_role_display()}
        expires = date_format(timezone.localtime(invitation.expires_at), "DATETIME_FORMAT")
        paragraphs = [
            _("You are invited to join %(organisation)s on Cocora with the role %(role)s.") % names
        ]
        if invitation.invited_by:
            paragraphs.append(
                _("The invitation comes from %(inviter)s.") % {"inviter": invitation.invited_by}
            )
        paragraphs.append(
            _("The link lets you create an account, or sign in with the one you have.")
        )
        content = EmailContent(
            subject=_("You are invited to join %(organisation)s on Cocora") % names,
            greeting=_("Hello,"),
            paragraphs=paragraphs,
            link=(_("Accept the invitation"), url),
            closing=[
                _("The link is valid until %(date)s.") % {"date": expires},
                _("If you did not expect this invitation, you can ignore this email."),
            ],
            reason=_("You get this email because %(organisation)s invited this address.") % names,
        )
        message = email_message(
            content=content, to=invitation.email, organisation_name=organisation.name
        )
    message.send()


def _check_role(role: str) -> None:
    if role not in Role.values:
        raise ApplicationError(_("Choose one of the listed roles."), field="role")


def _lock_membership(*, organisation: Organisation, membership_id: int) -> Membership:
    membership = (
        Membership.objects.for_org(organisation)
        .select_for_update()
        .select_related("user")
        .filter(pk=membership_id)
        .first()
    )
    if membership is None:
        raise ApplicationError(_("This person is not a member any more."))
    return membership


def _admin_count_locked(organisation: Organisation) -> int:
    # Locks the admin rows so that two admins demoting each other at once cannot leave none.
    return len(
        Membership.objects.for_org(organisation)
        .select_for_update()
        .filter(role=Role.ADMIN)
        .values_list("pk", flat=True)
    )
