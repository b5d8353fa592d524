"""Creating, using and revoking personal access tokens."""

import secrets
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from cocora.accounts.models import User
from cocora.audit.services import audit_record
from cocora.core.errors import ApplicationError
from cocora.organisations.models import Organisation
from cocora.organisations.selectors import membership_of_user_in

from .models import ApiToken
from .selectors import TOKEN_PREFIX, api_token_active, token_hash

# How often the last-used time is written: not on every request of a busy script.
LAST_USED_PRECISION = timedelta(minutes=1)
MAX_TOKENS_PER_PERSON = 20


def api_token_create(
    *,
    organisation: Organisation,
    user: User,
    name: str,
    read_only: bool = False,
    expires_at: datetime | None = None,
) -> tuple[ApiToken, str]:
    """Creates a token for `user` in `organisation`. Returns the row and the token itself,
    which is never stored and cannot be shown again."""
    name = name.strip()
    if not name:
        raise ApplicationError(_("Give the token a name."), field="name")
    if membership_of_user_in(user=user, slug=organisation.slug) is None:
        raise ApplicationError(_("Only members of the organisation can have a token for it."))
    if expires_at is not None and expires_at <= timezone.now():
        raise ApplicationError(_("The expiry must lie in the future."), field="expires_at")
    # Working tokens only (the members page counts the same): an expired one takes no place.
    working = api_token_active(organisation=organisation).filter(user=user)
    if working.count() >= MAX_TOKENS_PER_PERSON:
        raise ApplicationError(
            _("You have %(count)d working tokens already; revoke one you no longer use.")
            % {"count": MAX_TOKENS_PER_PERSON},
            code="conflict",
        )
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        organisation=organisation,
        user=user,
        name=name[:100],
        prefix=raw[: len(TOKEN_PREFIX) + 6],
        key_hash=token_hash(raw),
        read_only=read_only,
        expires_at=expires_at,
    )
    audit_record(
        organisation=organisation,
        actor=user,
        action="api_token.created",
        target=token,
        details={"name": token.name, "read_only": read_only},
    )
    return token, raw


def api_token_revoke(*, token: ApiToken, actor: User) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            organisation=token.organisation,
            actor=actor,
            action="api_token.revoked",
            target=token,
            details={"name": token.name},
        )
    return token


def api_token_touch(*, token: ApiToken) -> None:
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def api_tokens_revoke_for_member(*, organisation: Organisation, user: User, actor: User) -> int:
    """An admin stops every working token a member holds here (a lost laptop, a script that
    misbehaves), without removing the member. Returns how many were revoked."""
    count = (
        api_token_active(organisation=organisation)
        .filter(user=user)
        .update(revoked_at=timezone.now())
    )
    audit_record(
        organisation=organisation,
        actor=actor,
        action="api_token.revoked_for_member",
        details={"user_id": user.pk, "email": user.email, "count": count},
    )
    return count
