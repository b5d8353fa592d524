"""How the isolation sweep fills URL parameters with real objects of an organisation.

Every `<int:..._id>` parameter of a page under o/<org_slug>/ needs a maker here: a function that
creates one object of that kind in the given organisation and returns its id. A new URL with a
parameter nobody taught the sweep fails the sweep, so no page goes untested.
"""

import importlib
import re
from collections.abc import Callable
from typing import Any

from django.urls import URLPattern, URLResolver

from cocora.organisations.models import Organisation, Role
from cocora.organisations.tests.factories import InvitationFactory, MembershipFactory
from programmes.tests import factories as pf

Maker = Callable[[Organisation], Any]

# A URL parameter in a route, e.g. <int:cohort_id> or <slug:org_slug>.
PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def routes(patterns: list[Any], prefix: str = "") -> list[tuple[str, Any]]:
    """Every (route, view) below `patterns`, includes followed."""
    found: list[tuple[str, Any]] = []
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            found += routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            found.append((route, entry.callback))
    return found


def route_params(route: str) -> list[str]:
    """The id parameters of a route (the organisation's slug aside)."""
    return [m.group("name") for m in PARAM.finditer(route) if m.group("name") != "org_slug"]


def fill_route(route: str, org: Organisation, ids: dict[str, Any]) -> str:
    """The path of `route` in `org`, with the ids given by parameter name."""

    def fill(match: re.Match[str]) -> str:
        name = match.group("name")
        return org.slug if name == "org_slug" else str(ids[name])

    return PARAM.sub(fill, route)


MAKERS: dict[str, Maker] = {
    "membership_id": lambda org: MembershipFactory(organisation=org, role=Role.ADMIN).pk,
    "invitation_id": lambda org: InvitationFactory(organisation=org).pk,
    "programme_id": lambda org: pf.ProgrammeFactory(organisation=org).pk,
    "module_id": lambda org: pf.ModuleFactory(organisation=org).pk,
    "activity_id": lambda org: pf.ActivityFactory(organisation=org).pk,
    "cohort_id": lambda org: pf.CohortFactory(organisation=org).pk,
    "participant_id": lambda org: pf.ParticipantFactory(organisation=org).pk,
    "consent_id": lambda org: pf.ConsentFactory(organisation=org).pk,
    "enrolment_id": lambda org: pf.EnrolmentFactory(organisation=org).pk,
    "session_id": lambda org: pf.SessionFactory(organisation=org).pk,
    "export_id": lambda org: pf.HandbookExportFactory(organisation=org).pk,
    "token_id": lambda org: _token(org),
    "delivery_id": lambda org: _delivery(org),
    "notification_id": lambda org: _notification(org),
}


def _token(org: Organisation) -> int:
    from cocora.api.services import api_token_create
    from cocora.organisations.context import org_context

    membership = MembershipFactory(organisation=org, role=Role.ADMIN)
    with org_context(org.pk):
        token, _raw = api_token_create(organisation=org, user=membership.user, name="sweep")
    return token.pk


def _delivery(org: Organisation) -> int:
    from cocora.notifications.models import Delivery
    from cocora.organisations.context import org_context

    with org_context(org.pk):
        return Delivery.objects.create(
            organisation=org,
            rule="sweep",
            kind="sweep",
            object_type="sweep",
            object_id="1",
            occasion="once",
            recipient_kind="user",
            address_hash="0" * 64,
            language="en",
            idempotency_key=f"sweep-{org.pk}",
        ).pk


def _notification(org: Organisation) -> int:
    from cocora.notifications.tests.factories import NotificationFactory

    recipient = MembershipFactory(organisation=org, role=Role.COORDINATOR).user
    return int(NotificationFactory(organisation=org, recipient=recipient).pk)


# Parameters that are secrets rather than ids (a survey code): pages found by one answer whoever
# holds it, without a login. An outsider holds none, so on the organisation's own address the
# sweep tries a made-up one; another organisation's real secret is tried like any foreign id.
SECRET_GUESSES: dict[str, Maker] = {}

# Pages under o/<org_slug>/ that anyone may read without a login, by design (an organisation's
# transparency page). The sweep does not expect a 404 from them; instead it checks that an
# unknown slug is a 404, that they show nothing of another organisation and take no writes.
PUBLIC_PAGES: frozenset[str] = frozenset({"o/<slug:org_slug>/transparency/"})

# Domain apps built on programmes teach the sweep their own parameters in <app>/tests/makers.py.
for _app in ("partners", "ambassadors", "evaluation", "impact", "training", "families"):
    try:
        _module = importlib.import_module(f"{_app}.tests.makers")
    except ModuleNotFoundError:
        continue
    MAKERS.update(_module.MAKERS)
    SECRET_GUESSES.update(getattr(_module, "SECRET_GUESSES", {}))
