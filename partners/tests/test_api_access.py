"""Who reaches the partners API at all. Every route of partners/api is found from the URL
patterns, so a new endpoint is covered without anyone writing a test for it:

- partner contacts, trainers and ambassadors get 403 on every method of every route but the
  proposals' (partner contacts use their portal page, never this API), and nothing changes;
  the proposals, where partner contacts take part, have their own role tests
  (test_api_proposals.py);
- staff get 404 for another organisation's ids on every route and method, and nothing changes;
- a read-only token is refused on every write, with the code token_read_only.
"""

from typing import Any

import pytest

from cocora.audit.models import AuditEvent
from cocora.organisations.context import org_context
from cocora.organisations.models import Organisation, Role
from partners import models as partner_models
from partners.api.urls import urlpatterns
from partners.tests import factories as f
from partners.tests.makers import MAKERS
from tests.isolation import PARAM, fill_route, route_params, routes

pytestmark = pytest.mark.django_db

# What a careless endpoint would happily store; sent with every write.
HOSTILE = {"name": "Intruder", "kind": "ngo", "title": "Intruder", "purpose": "Intruder"}
WRITE_METHODS = ("post", "patch", "delete")
TABLES = [
    partner_models.PartnerOrganisation,
    partner_models.PartnerContact,
    partner_models.Agreement,
    partner_models.SharingRule,
    partner_models.IntegrityCheck,
    partner_models.SharingConsent,
    partner_models.Disclosure,
    partner_models.CollaborationActivity,
    partner_models.CollaborationPartner,
    partner_models.FollowUp,
]


ROUTES = routes(urlpatterns)
# Partner contacts propose and comment through these: test_api_proposals.py covers their roles.
STAFF_ROUTES = [(route, view) for route, view in ROUTES if not route.startswith("proposals/")]


def _methods(callback: Any) -> list[str]:
    # The methods the view answers (as_view's action map, which adds HEAD to GET).
    return sorted(m for m in callback.actions if m != "head")


def _path(route: str, org: Organisation, ids: dict[str, Any]) -> str:
    return f"/api/v1/o/{org.slug}/{fill_route(route, org, ids)}"


def _ids(org: Organisation) -> dict[str, Any]:
    return {
        name: MAKERS[name](org)
        for route, _callback in ROUTES
        for name in route_params(route)
        if name in MAKERS
    }


def _snapshot(*orgs: Organisation) -> dict[str, Any]:
    state = {}
    for org in orgs:
        with org_context(org.pk):
            for model in TABLES:
                state[f"{org.slug}:{model.__name__}"] = list(
                    model.objects.for_org(org).order_by("pk").values()
                )
    return state


def _call(client: Any, method: str, path: str) -> Any:
    if method == "get":
        return client.get(path)
    return getattr(client, method)(path, HOSTILE, format="json")


def test_the_sweep_finds_every_resource_and_every_id_has_a_maker() -> None:
    found = [route for route, _ in ROUTES]
    for expected in ("partners/", "agreements/", "collaboration/", "follow-ups/", "disclosures/"):
        assert expected in found
    unknown = {n for route in found for n in route_params(route) if n not in MAKERS}
    assert unknown == set(), "teach partners/tests/makers.py these id names"


@pytest.mark.parametrize("role", [Role.PARTNER, Role.TRAINER, Role.AMBASSADOR])
def test_no_role_but_staff_reaches_any_partners_endpoint(org, api_client, role):
    # Given a partner contact linked to their partner (the portal's user), or another non-staff
    client = api_client(org, role)
    if role == Role.PARTNER:
        f.PartnerContactFactory(organisation=org, user=client.membership.user)
    ids = _ids(org)
    before = _snapshot(org)

    answers = {}
    for route, callback in STAFF_ROUTES:
        path = _path(route, org, ids)
        for method in _methods(callback):
            response = _call(client, method, path)
            answers[f"{method} {path}"] = (response.status_code, response.json()["code"])

    assert set(answers.values()) == {(403, "permission_denied")}, answers
    assert _snapshot(org) == before


@pytest.mark.parametrize("role", [Role.ADMIN, Role.COORDINATOR])
def test_another_organisations_ids_are_404_whatever_the_method(org, other_org, api_client, role):
    client = api_client(org, role)
    foreign = _ids(other_org)
    before = _snapshot(org, other_org)

    answers = {}
    for route, _callback in ROUTES:
        if not PARAM.search(route):
            continue
        path = _path(route, org, foreign)
        for method in ("get", *WRITE_METHODS):
            answers[f"{method} {path}"] = _call(client, method, path).status_code

    assert answers and set(answers.values()) == {404}, answers
    assert _snapshot(org, other_org) == before


def test_a_read_only_token_is_refused_on_every_write(org, api_client):
    client = api_client(org, Role.ADMIN, read_only=True)
    ids = _ids(org)
    before = _snapshot(org)

    answers = {}
    for route, callback in STAFF_ROUTES:
        for method in _methods(callback):
            if method == "get":
                continue
            response = _call(client, method, _path(route, org, ids))
            answers[f"{method} {route}"] = (response.status_code, response.json()["code"])

    assert len(answers) >= 10
    assert set(answers.values()) == {(403, "token_read_only")}, answers
    assert _snapshot(org) == before
    # The refusals are recorded; no write line was left.
    with org_context(org.pk):
        actions = set(AuditEvent.objects.for_org(org).values_list("action", flat=True))
    assert not {a for a in actions if a.startswith("api.")}


def test_a_read_only_token_still_reads(org, api_client):
    client = api_client(org, Role.COORDINATOR, read_only=True)
    ids = _ids(org)
    for route, callback in ROUTES:
        if "get" in _methods(callback):
            assert client.get(_path(route, org, ids)).status_code == 200, route
