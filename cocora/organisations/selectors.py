"""Reads of organisations, memberships and invitations."""

from django.db.models import QuerySet, SlugField
from django.db.models.functions import Coalesce

from cocora.accounts.models import User
from cocora.core.compiled import Param, compiled_read

from .models import Invitation, Membership, Organisation, Role


def organisation_get_by_slug(*, slug: str) -> Organisation | None:
    return Organisation.objects.filter(slug=slug).first()


@compiled_read(across_organisations=True)
def _memberships_of_user() -> QuerySet[Membership]:
    from cocora.notifications.selectors import unread_count_subquery

    return (
        Membership.objects.filter(user_id=Param("user"))
        .select_related("organisation")
        .annotate(unread_notifications=Coalesce(unread_count_subquery(), 0))
        .order_by("organisation__name")
    )


def membership_list_for_user(*, user: User) -> list[Membership]:
    """A user's memberships across organisations, by organisation name, each with its
    organisation and its unread notifications (`unread_notifications`, for the header): one
    query, compiled once per process (it is read at every organisation page). The organisation
    pages find their member's membership among them and hand the list to the switcher. On
    PostgreSQL this is the one read that crosses organisations, allowed by a read-only policy on
    the user's own rows (memberships and notifications)."""
    if not user.is_authenticated:
        return []
    return _memberships_of_user(user=user.pk)  # type: ignore[no-any-return]


@compiled_read(across_organisations=True)
def _membership_of_user_by_slug() -> QuerySet[Membership]:
    return Membership.objects.filter(
        user_id=Param("user"), organisation__slug=Param("slug", SlugField())
    ).select_related("organisation")


def membership_of_user_in(*, user: User, slug: str) -> Membership | None:
    """The user's membership, with its organisation, in the organisation with this slug; None
    when they are not a member there or no such organisation exists. One query, compiled once
    per process (the API at every request, and before it makes a token): unlike the pages,
    which show the organisation switcher, this reads nothing of the user's other
    organisations."""
    if not user.is_authenticated:
        return None
    rows = _membership_of_user_by_slug(user=user.pk, slug=slug)
    return rows[0] if rows else None


def membership_in(memberships: list[Membership], *, slug: str) -> Membership | None:
    """The membership, among a user's (`membership_list_for_user`), in the organisation with
    this slug; None when they are not a member there or no such organisation exists."""
    return next((m for m in memberships if m.organisation.slug == slug), None)


def membership_list(*, organisation: Organisation) -> QuerySet[Membership]:
    return (
        Membership.objects.for_org(organisation)
        .select_related("user")
        .order_by("user__name", "user__email")
    )


def invitation_list_open(*, organisation: Organisation) -> QuerySet[Invitation]:
    return (
        Invitation.objects.for_org(organisation)
        .filter(accepted_at__isnull=True, revoked_at__isnull=True)
        .select_related("invited_by")
        .order_by("-created_at")
    )


def admin_count(*, organisation: Organisation) -> int:
    return Membership.objects.for_org(organisation).filter(role=Role.ADMIN).count()
