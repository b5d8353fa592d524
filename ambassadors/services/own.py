"""Who the signed-in ambassador is, for every page and API view that serves them."""

from typing import Any

from cocora.organisations.models import Membership, Organisation
from cocora.organisations.permissions import can

from ..models import Ambassador
from ..selectors.ambassadors import ambassador_for_user
from .ambassadors import ambassador_link_account


def ambassador_for_member(
    *, organisation: Organisation, membership: Membership | None, user: Any, link: bool = True
) -> Ambassador | None:
    """The member's own ambassador record, the only one an ambassador ever sees; None for a
    member without the ambassador role or without a record. On the first visit after
    accepting the invitation it links the record to this account, so that from then on only
    this account acts as this ambassador. `link=False` only reads (an API read, which must
    change nothing, least of all with a read-only token)."""
    if not can(membership, "ambassador_home.view"):
        return None
    ambassador = ambassador_for_user(organisation=organisation, user=user)
    if link and ambassador is not None and ambassador.user_id is None:
        ambassador = ambassador_link_account(
            organisation=organisation, ambassador=ambassador, user=user
        )
    return ambassador
