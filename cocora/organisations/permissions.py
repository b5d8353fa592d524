"""Who may do what inside an organisation: one map of action -> roles.

Views name the action they need; scope rules that go beyond roles (a trainer sees only the cohorts
they are assigned to, an ambassador only their own tasks) live in the selectors of each app.
"""

from .models import Membership, Role

EVERYONE = frozenset(Role)
STAFF = frozenset({Role.ADMIN, Role.COORDINATOR})

PERMISSIONS: dict[str, frozenset[Role]] = {
    "organisation.view": EVERYONE,
    "members.view": frozenset({Role.ADMIN}),
    "members.manage": frozenset({Role.ADMIN}),
    "organisation.manage": frozenset({Role.ADMIN}),
}


def roles_for(action: str) -> frozenset[Role]:
    try:
        return PERMISSIONS[action]
    except KeyError:
        # Fail closed: an action nobody listed is allowed to nobody.
        raise KeyError(f"Unknown action {action!r}: add it to PERMISSIONS.") from None


def can(membership: Membership | None, action: str) -> bool:
    if membership is None:
        return False
    return membership.role in roles_for(action)
