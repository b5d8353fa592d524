"""Reads of API tokens."""

import hashlib

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from cocora.accounts.models import User
from cocora.organisations.models import Organisation

from .models import TOKEN_HASH_SETTING, ApiToken

TOKEN_PREFIX = "ccr_"  # noqa: S105 (a visible marker)


def token_hash(raw: str) -> str:
    # Tokens carry 256 random bits: a plain SHA-256 is enough, no slow password hash needed.
    return hashlib.sha256(raw.encode()).hexdigest()


def api_token_find(*, raw: str) -> ApiToken | None:
    """The token row for a presented token, in whichever organisation it belongs to."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 100:
        return None
    digest = token_hash(raw)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, %s, true)", [TOKEN_HASH_SETTING, digest])
    return ApiToken.objects.filter(key_hash=digest).select_related("user", "organisation").first()


def api_token_list(*, organisation: Organisation, user: User) -> QuerySet[ApiToken]:
    """A person's tokens in one organisation, revoked and expired ones too, the newest first
    (the id breaks ties, so that pages neither repeat nor skip one)."""
    return ApiToken.objects.for_org(organisation).filter(user=user).order_by("-created_at", "-pk")


def api_token_active(*, organisation: Organisation) -> QuerySet[ApiToken]:
    """Tokens that work: not revoked, not expired."""
    return ApiToken.objects.for_org(organisation).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()), revoked_at__isnull=True
    )


def api_token_counts(*, organisation: Organisation) -> dict[int, int]:
    """One query: how many working tokens each member holds, by user id."""
    rows = (
        api_token_active(organisation=organisation)
        .order_by()
        .values("user_id")
        .annotate(n=Count("pk"))
    )
    return {row["user_id"]: row["n"] for row in rows}
