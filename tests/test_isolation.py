"""The tenant-isolation sweep: every page under o/<org_slug>/, requested by someone who does not
belong there, answers 404 and changes nothing, whatever the method. A new URL is covered without
anyone writing a test for it."""

from typing import Any

import pytest
from django.apps import apps
from django.urls import get_resolver

from cocora.audit.models import AuditEvent
from cocora.organisations.context import org_context
from cocora.organisations.models import Organisation, Role
from cocora.organisations.rls import tenant_models
from cocora.organisations.tests.factories import MembershipFactory, OrganisationFactory
from tests.isolation import (
    MAKERS,
    PUBLIC_PAGES,
    SECRET_GUESSES,
    fill_route,
    route_params,
    routes,
)

pytestmark = pytest.mark.django_db

ORG_PREFIX = "o/<slug:org_slug>/"
API_PREFIX = "api/v1/o/<slug:org_slug>/"
# What a careless view would happily store; the sweep sends it with every POST.
HOSTILE_POST = {
    "role": Role.ADMIN,
    "email": "intruder@example.org",
    "name": "Intruder",
    "title": "Intruder",
}


def all_org_routes() -> list[str]:
    """Every page and every API path of an organisation, public pages included."""
    return sorted(
        r
        for r, _view in routes(get_resolver().url_patterns)
        if r.startswith(ORG_PREFIX) or r.startswith(API_PREFIX)
    )


def org_routes() -> list[str]:
    """Every page and every API path of an organisation that only its members may reach."""
    return [r for r in all_org_routes() if r not in PUBLIC_PAGES]


def api_routes() -> list[str]:
    return [r for r in org_routes() if r.startswith(API_PREFIX)]


def _path(route: str, org: Organisation, ids: dict[str, Any]) -> str:
    return "/" + fill_route(route, org, ids)


def _snapshot(orgs: list[Organisation]) -> dict[str, Any]:
    """Every row of every tenant table, per organisation, plus the global tables' counts. The
    audit trail is left out: it is meant to grow with every refusal (see _denials)."""
    state: dict[str, Any] = {}
    for org in orgs:
        with org_context(org.pk):
            for model in tenant_models():
                if model is AuditEvent:
                    continue
                rows = model.objects.for_org(org).order_by("pk").values()
                state[f"{org.slug}:{model._meta.label}"] = list(rows)
    for label in ("accounts.User", "organisations.Organisation", "account.EmailAddress"):
        state[label] = apps.get_model(label).objects.count()
    return state


@pytest.fixture
def two_orgs(db: Any) -> tuple[Organisation, Organisation, Any]:
    victim = OrganisationFactory(slug="victim", name="Victim Org")
    home = OrganisationFactory(slug="home", name="Home Org")
    outsider = MembershipFactory(organisation=home, role=Role.ADMIN)
    MembershipFactory(organisation=victim, role=Role.ADMIN)
    return victim, home, outsider


def test_the_sweep_finds_the_organisation_pages() -> None:
    routes = org_routes()
    assert ORG_PREFIX in routes
    assert any("members" in r for r in routes)
    assert f"{API_PREFIX}me/" in routes and f"{API_PREFIX}cohorts/" in routes


def test_every_url_parameter_has_a_maker() -> None:
    unknown = {(route, p) for route in org_routes() for p in route_params(route) if p not in MAKERS}
    assert not unknown, f"Teach tests/isolation.py MAKERS these parameters: {sorted(unknown)}"


@pytest.mark.parametrize("method", ["get", "post"])
def test_non_member_gets_404_on_every_page_of_another_organisation(client, two_orgs, method):
    victim, _home, outsider = two_orgs
    routes = org_routes()
    ids = {
        name: SECRET_GUESSES.get(name, MAKERS[name])(victim)
        for route in routes
        for name in route_params(route)
    }
    before = _snapshot([victim, _home])
    client.force_login(outsider.user)

    answers = {}
    for route in routes:
        path = _path(route, victim, ids)
        response = (
            getattr(client, method)(path, HOSTILE_POST) if method == "post" else (client.get(path))
        )
        answers[path] = response.status_code

    assert {p: s for p, s in answers.items() if s != 404} == {}
    assert _snapshot([victim, _home]) == before


@pytest.mark.parametrize("method", ["get", "post"])
def test_member_gets_404_for_another_organisations_ids_in_their_own_pages(client, two_orgs, method):
    victim, home, outsider = two_orgs
    routes = [route for route in org_routes() if route_params(route)]
    assert routes, "the sweep should have pages with object ids to try"
    foreign_ids = {name: MAKERS[name](victim) for route in routes for name in route_params(route)}
    before = _snapshot([victim, home])
    client.force_login(outsider.user)

    answers = {}
    for route in routes:
        path = _path(route, home, foreign_ids)
        response = client.post(path, HOSTILE_POST) if method == "post" else client.get(path)
        answers[path] = response.status_code

    assert {p: s for p, s in answers.items() if s != 404} == {}
    assert _snapshot([victim, home]) == before


def test_anonymous_visitors_learn_nothing_about_which_slugs_exist(client, two_orgs):
    victim, _home, _outsider = two_orgs
    real = client.get(f"/o/{victim.slug}/")
    made_up = client.get("/o/no-such-org/")
    assert real.status_code == made_up.status_code == 302
    assert real["Location"].split("?")[0] == made_up["Location"].split("?")[0]


def test_the_public_pages_are_real_routes_without_ids() -> None:
    """A public page listed for the sweep exists, and takes no id that could name a record."""
    assert set(all_org_routes()) >= PUBLIC_PAGES
    assert not [route for route in PUBLIC_PAGES if route_params(route)]


@pytest.mark.parametrize("route", sorted(PUBLIC_PAGES))
def test_public_pages_show_only_their_organisation_and_take_no_writes(client, two_orgs, route):
    """Public by design: anyone reads them, signed in elsewhere or not at all. An unknown slug
    is a 404; the page never shows the other organisation; a write changes nothing."""
    victim, home, outsider = two_orgs
    before = _snapshot([victim, home])
    for signed_in in (False, True):
        if signed_in:
            client.force_login(outsider.user)
        assert client.get(_path(route, victim, {})).status_code == 200
        made_up = OrganisationFactory.build(slug="no-such-org")
        assert client.get(_path(route, made_up, {})).status_code == 404
        page = client.get(_path(route, home, {})).content.decode()
        assert home.name in page and victim.name not in page
        assert client.post(_path(route, victim, {}), HOSTILE_POST).status_code == 405
    assert _snapshot([victim, home]) == before


def _denials(org: Organisation) -> list[dict[str, Any]]:
    with org_context(org.pk):
        return list(
            AuditEvent.objects.for_org(org)
            .filter(action="access.denied")
            .values_list("details", flat=True)
        )


def test_every_refusal_is_recorded_in_the_organisation_that_was_asked(client, two_orgs):
    victim, home, outsider = two_orgs
    client.force_login(outsider.user)
    cohort_id = MAKERS["cohort_id"](victim)

    client.get(f"/o/{victim.slug}/cohorts/{cohort_id}/")  # not a member there
    client.get(f"/o/{home.slug}/cohorts/{cohort_id}/")  # a member, with a foreign id

    assert [(d["status"], d["member"]) for d in _denials(victim)] == [(404, False)]
    assert [(d["status"], d["member"]) for d in _denials(home)] == [(404, True)]


API_METHODS = ["get", "post", "put", "patch", "delete"]
HOSTILE_JSON = {**HOSTILE_POST, "organisation": 1, "organisation_id": 1, "user": 1}


@pytest.mark.parametrize("method", API_METHODS)
def test_api_tokens_get_404_for_another_organisation_and_its_ids_whatever_the_method(
    two_orgs, api_client, method
):
    """The API with a token: another organisation's paths (even where the person is a member
    too: the token belongs to one organisation) and another organisation's ids inside one's own
    paths are 404, and nothing changes."""
    victim, home, outsider = two_orgs
    routes = api_routes()
    ids = {name: MAKERS[name](victim) for route in routes for name in route_params(route)}
    client = api_client(home, Role.ADMIN, user=outsider.user)
    MembershipFactory(organisation=victim, role=Role.ADMIN, user=outsider.user)
    before = _snapshot([victim, home])

    answers = {}
    for route in routes:
        for org in (victim, home):
            if org is home and not route_params(route):
                continue
            path = _path(route, org, ids)
            response = getattr(client, method)(path, HOSTILE_JSON, format="json")
            answers[path] = (response.status_code, response.json().get("code"))

    assert {p: a for p, a in answers.items() if a != (404, "not_found")} == {}
    assert _snapshot([victim, home]) == before


def test_a_read_only_token_is_refused_every_write_of_every_api_path(org, api_client):
    """Every method other than GET of every API path, with real ids of the token's own
    organisation: 403, nothing changed, no write line in the audit trail."""
    client = api_client(org, Role.ADMIN, read_only=True)
    views = {
        route: view
        for route, view in routes(get_resolver().url_patterns)
        if route.startswith(API_PREFIX)
    }
    ids = {name: MAKERS[name](org) for route in views for name in route_params(route)}
    before = _snapshot([org])

    answers = {}
    for route, view in views.items():
        for method in sorted(set(view.actions) - {"get", "head"}):
            response = getattr(client, method)(_path(route, org, ids), HOSTILE_JSON, format="json")
            answers[f"{method} {route}"] = (response.status_code, response.json()["code"])

    assert len(answers) > 50
    # An admin's read-only token: refused as read-only, or (ambassadors' own actions) for the
    # role, which is checked first. Never a write.
    assert {status for status, _code in answers.values()} == {403}, answers
    codes = [code for _status, code in answers.values()]
    assert set(codes) == {"token_read_only", "permission_denied"}
    assert codes.count("token_read_only") > 40
    assert _snapshot([org]) == before
    with org_context(org.pk):
        actions = set(AuditEvent.objects.for_org(org).values_list("action", flat=True))
    assert not {a for a in actions if a.startswith("api.")}


def test_a_refusal_as_the_minutes_count_expires_is_recorded_not_an_error(
    client, two_orgs, monkeypatch
):
    """The per-minute count of refusals lives in the cache with a minute's lifetime; one that
    expires while a refusal is being counted must not turn the 404 into a server error."""
    from django.core.cache import cache

    victim, _home, outsider = two_orgs
    client.force_login(outsider.user)
    cohort_path = f"/o/{victim.slug}/cohorts/{MAKERS['cohort_id'](victim)}/"
    assert client.get(cohort_path).status_code == 404  # the minute's count exists now
    key = f"cocora:denied:{victim.pk}:{outsider.user.pk}"
    assert cache.get(key) == 1

    real_add = cache.add

    def add_then_expire(*args: Any, **kwargs: Any) -> bool:
        added = real_add(*args, **kwargs)
        cache.delete(args[0])  # the count's minute ends right after it is made
        return added

    cache.delete(key)  # the minute ended before this refusal
    monkeypatch.setattr(cache, "add", add_then_expire)

    assert client.get(cohort_path).status_code == 404
    assert [d["status"] for d in _denials(victim)] == [404, 404]
