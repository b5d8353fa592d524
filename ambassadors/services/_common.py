"""Checks that every service of the app shares: same organisation, who the actor is."""

from typing import Any

from django.utils.translation import gettext as _

from cocora.core.errors import ApplicationError
from cocora.organisations.models import Membership, Organisation, Role

from ..models import Ambassador

COORDINATING_ROLES = (Role.ADMIN, Role.COORDINATOR)


def check_same_organisation(organisation: Organisation, *rows: Any) -> None:
    for row in rows:
        if row is not None and row.organisation_id != organisation.pk:
            raise ApplicationError(
                _("This %(kind)s belongs to another organisation.")
                % {"kind": row._meta.verbose_name}
            )


def actor_role(organisation: Organisation, actor: Any) -> str | None:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    return (
        Membership.objects.for_org(organisation)
        .filter(user_id=actor.pk)
        .values_list("role", flat=True)
        .first()
    )


def require_coordinator(organisation: Organisation, actor: Any, *, doing: str) -> None:
    """Coordinators and admins assign, review, cancel and decide; nobody else."""
    if actor_role(organisation, actor) not in COORDINATING_ROLES:
        raise ApplicationError(
            _("Only a coordinator can %(doing)s.") % {"doing": doing}, code="forbidden"
        )


def require_own_ambassador(ambassador: Ambassador, actor: Any, *, doing: str) -> None:
    """The ambassador themself, signed in with their own account."""
    if actor is None or ambassador.user_id is None or ambassador.user_id != actor.pk:
        raise ApplicationError(
            _("Only the ambassador themself can %(doing)s.") % {"doing": doing}, code="forbidden"
        )


def lock_ambassador(organisation: Organisation, ambassador: Ambassador) -> Ambassador:
    # Serialises every check against one ambassador's caps: two coordinators assigning at the
    # same moment cannot both pass the last free place.
    return (
        Ambassador.objects.for_org(organisation)
        .select_for_update(of=("self",))
        .select_related("participant")
        .get(pk=ambassador.pk)
    )
