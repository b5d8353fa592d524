"""How the isolation sweep fills URL parameters with real objects of an organisation.

Every `<int:..._id>` parameter of a page under o/<org_slug>/ needs a maker here: a function that
creates (or finds) one object of that kind in the given organisation and returns its id. A new URL
with a parameter nobody taught the sweep fails the sweep, so no page goes untested.
"""

from collections.abc import Callable
from typing import Any

from cocora.organisations.models import Organisation, Role
from cocora.organisations.tests.factories import InvitationFactory, MembershipFactory

Maker = Callable[[Organisation], Any]

MAKERS: dict[str, Maker] = {
    "membership_id": lambda org: MembershipFactory(organisation=org, role=Role.ADMIN).pk,
    "invitation_id": lambda org: InvitationFactory(organisation=org).pk,
}
