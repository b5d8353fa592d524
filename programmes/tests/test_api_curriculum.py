"""The curriculum API: programmes, modules and activities under /api/v1/o/<org_slug>/."""

import pytest
from django.urls import reverse

from cocora.audit.models import AuditEvent
from cocora.organisations.context import org_context
from cocora.organisations.models import Role
from cocora.testing.queries import count_queries
from programmes.models import Activity, Module, Programme
from programmes.tests.factories import (
    ActivityFactory,
    ModuleFactory,
    ProgrammeFactory,
    SessionLogFactory,
)

pytestmark = pytest.mark.django_db

# The field policy of each answer, per role: an added field fails these on purpose.
PROGRAMME_FIELDS = {
    "id",
    "kind",
    "title",
    "summary",
    "language",
    "source",
    "module_count",
    "created_at",
    "archived_at",
}
MODULE_FIELDS = {
    "id",
    "programme",
    "position",
    "title",
    "objectives",
    "content_md",
    "duration_minutes",
    "activity_count",
    "translations",
}
ACTIVITY_FIELDS = {
    "id",
    "module",
    "position",
    "title",
    "method",
    "instructions_md",
    "materials",
    "duration_minutes",
    "translations",
}


def _url(name, org, **ids):
    return reverse(f"api-{name}", kwargs={"org_slug": org.slug, **ids})


def _queries(client, url, params=None):
    """Queries of a GET, after one request that lets the token note when it was first used."""
    client.get(url, params)
    return count_queries(lambda: client.get(url, params))


def _audit_actions(org):
    with org_context(org.pk):
        return list(AuditEvent.objects.for_org(org).values_list("action", flat=True))


def _titles(org, model, **filters):
    with org_context(org.pk):
        return list(
            model.objects.for_org(org)
            .filter(**filters)
            .order_by("position")
            .values_list("title", flat=True)
        )


# SECTION: programmes


def test_staff_and_trainers_list_programmes_with_the_same_fields(org, api_client):
    ProgrammeFactory(organisation=org, title="Citizens together")
    ModuleFactory(organisation=org, programme__title="Zeta")

    for role in (Role.COORDINATOR, Role.TRAINER):
        response = api_client(org, role).get(_url("programme-list", org))
        assert response.status_code == 200
        rows = response.json()["results"]
        assert {row["title"] for row in rows} == {"Citizens together", "Zeta"}
        assert {row["module_count"] for row in rows} == {0, 1}
        # Trainers read the curriculum they deliver: the same fields as staff.
        assert set(rows[0]) == PROGRAMME_FIELDS


def test_programmes_are_not_for_ambassadors(org, api_client):
    response = api_client(org, Role.AMBASSADOR).get(_url("programme-list", org))
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_programme_list_filters_by_kind(org, api_client):
    ProgrammeFactory(organisation=org, kind="prevention")
    ProgrammeFactory(organisation=org, kind="ambassador")
    response = api_client(org, Role.COORDINATOR).get(
        _url("programme-list", org), {"kind": "ambassador"}
    )
    assert [row["kind"] for row in response.json()["results"]] == ["ambassador"]


def test_programme_list_queries_do_not_grow_with_rows(org, api_client):
    client = api_client(org, Role.COORDINATOR)
    url = _url("programme-list", org)

    def measure(count):
        for _ in range(count):
            ModuleFactory(organisation=org)  # a programme with a module to count
        queries, response = _queries(client, url, {"page_size": 200})
        assert response.status_code == 200
        return queries

    # Token and membership, the page count, one page of programmes with module counts.
    assert measure(5) == measure(50)


def test_a_coordinator_creates_an_empty_programme(org, api_client):
    client = api_client(org, Role.COORDINATOR)
    response = client.post(
        _url("programme-list", org),
        {"kind": "collaborative", "title": "Neighbourhood dialogue", "summary": "For partners."},
    )
    assert response.status_code == 201
    body = response.json()
    assert set(body) == PROGRAMME_FIELDS
    assert (body["kind"], body["title"], body["module_count"]) == (
        "collaborative",
        "Neighbourhood dialogue",
        0,
    )
    assert body["language"] == org.language  # the organisation's, when not sent
    assert "api.api-programme-list" in _audit_actions(org)


def test_a_programme_created_from_the_built_in_curriculum_has_its_modules(org, api_client):
    client = api_client(org, Role.COORDINATOR)
    response = client.post(
        _url("programme-list", org), {"kind": "prevention", "from_builtin": True}
    )
    assert response.status_code == 201
    body = response.json()
    assert body["source"].startswith("builtin:prevention:")
    assert body["title"]  # the built-in curriculum's
    assert body["module_count"] > 0
    with org_context(org.pk):
        assert (
            Module.objects.for_org(org).filter(programme_id=body["id"]).count()
            == (body["module_count"])
        )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "prevention"}, "title"),  # empty needs a title
        ({"kind": "prevention", "title": "x" * 201}, "title"),
        ({"kind": "risk", "title": "A title"}, "kind"),
        ({"kind": "prevention", "title": "A title", "language": "xx"}, "language"),
        ({"kind": "prevention", "title": "A title", "owner": 1}, "owner"),  # unknown field
    ],
)
def test_a_bad_programme_is_refused_naming_the_field(org, api_client, body, field):
    response = api_client(org, Role.COORDINATOR).post(_url("programme-list", org), body)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    with org_context(org.pk):
        assert not Programme.objects.for_org(org).exists()


def test_trainers_cannot_create_programmes(org, api_client):
    response = api_client(org, Role.TRAINER).post(
        _url("programme-list", org), {"kind": "prevention", "title": "Mine"}
    )
    assert response.status_code == 403
    with org_context(org.pk):
        assert not Programme.objects.for_org(org).exists()


def test_a_read_only_token_cannot_create_a_programme(org, api_client):
    client = api_client(org, Role.ADMIN, read_only=True)
    assert client.get(_url("programme-list", org)).status_code == 200
    response = client.post(_url("programme-list", org), {"kind": "prevention", "title": "T"})
    assert response.status_code == 403
    assert response.json()["code"] == "token_read_only"
    with org_context(org.pk):
        assert not Programme.objects.for_org(org).exists()


def test_a_programme_is_read_and_changed_by_id(org, api_client):
    client = api_client(org, Role.COORDINATOR)
    programme = ProgrammeFactory(organisation=org, title="Old", summary="Kept", language="en")
    url = _url("programme-detail", org, programme_id=programme.pk)

    assert client.get(url).json()["title"] == "Old"
    response = client.patch(url, {"title": "New", "language": "da"})

    assert response.status_code == 200
    assert (response.json()["title"], response.json()["summary"]) == ("New", "Kept")
    with org_context(org.pk):
        programme.refresh_from_db()
    assert (programme.title, programme.summary, programme.language) == ("New", "Kept", "da")
    assert "api.api-programme-detail" in _audit_actions(org)


@pytest.mark.parametrize(("body", "field"), [({"title": "  "}, "title"), ({"kind": "x"}, "kind")])
def test_a_bad_programme_change_is_refused(org, api_client, body, field):
    programme = ProgrammeFactory(organisation=org, title="Old")
    response = api_client(org, Role.COORDINATOR).patch(
        _url("programme-detail", org, programme_id=programme.pk), body
    )
    assert response.status_code == 400
    assert field in response.json()["errors"]
    with org_context(org.pk):
        programme.refresh_from_db()
    assert programme.title == "Old"


def test_another_organisations_programme_is_not_found(org, other_org, api_client):
    theirs = ProgrammeFactory(organisation=other_org, title="Theirs")
    client = api_client(org, Role.ADMIN)
    url = _url("programme-detail", org, programme_id=theirs.pk)

    assert client.get(url).status_code == 404
    assert client.patch(url, {"title": "Mine now"}).status_code == 404
    modules_url = _url("programme-modules", org, programme_id=theirs.pk)
    assert client.get(modules_url).status_code == 404
    assert client.post(modules_url, {"title": "Planted"}).status_code == 404
    with org_context(other_org.pk):
        theirs.refresh_from_db()
        assert theirs.title == "Theirs"
        assert not Module.objects.for_org(other_org).exists()


def test_trainers_cannot_change_a_programme(org, api_client):
    programme = ProgrammeFactory(organisation=org, title="Old")
    response = api_client(org, Role.TRAINER).patch(
        _url("programme-detail", org, programme_id=programme.pk), {"title": "New"}
    )
    assert response.status_code == 403


# SECTION: modules


def test_a_programmes_modules_are_listed_in_order_with_the_same_fields_for_everyone(
    org, api_client
):
    programme = ProgrammeFactory(organisation=org)
    second = ModuleFactory(organisation=org, programme=programme, position=1, title="Second")
    ModuleFactory(organisation=org, programme=programme, position=0, title="First")
    ActivityFactory(organisation=org, module=second)
    ModuleFactory(organisation=org, title="Another programme's")

    for role in (Role.COORDINATOR, Role.TRAINER):
        response = api_client(org, role).get(
            _url("programme-modules", org, programme_id=programme.pk)
        )
        rows = response.json()["results"]
        assert [(row["title"], row["activity_count"]) for row in rows] == [
            ("First", 0),
            ("Second", 1),
        ]
        assert set(rows[0]) == MODULE_FIELDS


def test_module_list_queries_do_not_grow_with_rows(org, api_client):
    client = api_client(org, Role.TRAINER)

    def measure(count):
        programme = ProgrammeFactory(organisation=org)
        for _ in range(count):
            ActivityFactory(organisation=org, module__programme=programme)
        url = _url("programme-modules", org, programme_id=programme.pk)
        queries, response = _queries(client, url)
        assert len(response.json()["results"]) == count
        return queries

    assert measure(5) == measure(50)


def test_a_module_is_added_at_the_end(org, api_client):
    client = api_client(org, Role.COORDINATOR)
    programme = ProgrammeFactory(organisation=org)
    ModuleFactory(organisation=org, programme=programme, position=0, title="First")

    response = client.post(
        _url("programme-modules", org, programme_id=programme.pk),
        {"title": "Rights", "objectives": "Know your rights", "duration_minutes": 60},
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["position"], body["programme"], body["activity_count"]) == (1, programme.pk, 0)
    assert _titles(org, Module, programme=programme) == ["First", "Rights"]
    assert "api.api-programme-modules" in _audit_actions(org)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "title"),
        ({"title": " "}, "title"),
        ({"title": "Rights", "duration_minutes": 601}, "duration_minutes"),
        ({"title": "Rights", "position": 0}, "position"),
    ],
)
def test_a_bad_module_is_refused(org, api_client, body, field):
    programme = ProgrammeFactory(organisation=org)
    response = api_client(org, Role.COORDINATOR).post(
        _url("programme-modules", org, programme_id=programme.pk), body
    )
    assert response.status_code == 400
    assert field in response.json()["errors"]
    with org_context(org.pk):
        assert not Module.objects.for_org(org).exists()


def test_trainers_read_a_module_but_do_not_write_one(org, api_client):
    client = api_client(org, Role.TRAINER)
    module = ModuleFactory(organisation=org, title="Rights")
    url = _url("module-detail", org, module_id=module.pk)

    assert set(client.get(url).json()) == MODULE_FIELDS
    assert client.patch(url, {"title": "Mine"}).status_code == 403
    assert client.delete(url).status_code == 403
    assert (
        client.post(_url("module-move", org, module_id=module.pk), {"direction": "up"}).status_code
        == 403
    )
    assert (
        client.post(
            _url("programme-modules", org, programme_id=module.programme_id), {"title": "New"}
        ).status_code
        == 403
    )
    assert _titles(org, Module) == ["Rights"]


def test_a_module_is_changed_where_sent_and_kept_elsewhere(org, api_client):
    module = ModuleFactory(organisation=org, title="Old", objectives="Keep me", duration_minutes=45)
    response = api_client(org, Role.COORDINATOR).patch(
        _url("module-detail", org, module_id=module.pk), {"title": "New"}
    )
    assert response.status_code == 200
    with org_context(org.pk):
        module.refresh_from_db()
    assert (module.title, module.objectives, module.duration_minutes) == ("New", "Keep me", 45)
    assert "api.api-module-detail" in _audit_actions(org)


def test_a_bad_module_change_is_refused(org, api_client):
    module = ModuleFactory(organisation=org, title="Old")
    response = api_client(org, Role.COORDINATOR).patch(
        _url("module-detail", org, module_id=module.pk), {"title": "", "duration_minutes": 0}
    )
    assert response.status_code == 400
    assert "duration_minutes" in response.json()["errors"]
    assert _titles(org, Module) == ["Old"]


def test_deleting_a_module_closes_the_gap(org, api_client):
    programme = ProgrammeFactory(organisation=org)
    _first, second, _third = (
        ModuleFactory(organisation=org, programme=programme, position=i, title=t)
        for i, t in enumerate(["A", "B", "C"])
    )
    client = api_client(org, Role.COORDINATOR)

    response = client.delete(_url("module-detail", org, module_id=second.pk))

    assert response.status_code == 204
    with org_context(org.pk):
        positions = dict(Module.objects.for_org(org).values_list("title", "position"))
    assert positions == {"A": 0, "C": 1}
    assert "api.api-module-detail" in _audit_actions(org)


def test_a_module_covered_in_a_session_log_is_not_deleted(org, api_client):
    from programmes.models import SessionLogActivity

    activity = ActivityFactory(organisation=org)
    log = SessionLogFactory(organisation=org)
    with org_context(org.pk):
        SessionLogActivity.objects.create(organisation=org, log=log, activity=activity)

    response = api_client(org, Role.COORDINATOR).delete(
        _url("module-detail", org, module_id=activity.module_id)
    )

    assert response.status_code == 409
    assert response.json()["code"] == "in_use"
    with org_context(org.pk):
        assert Module.objects.for_org(org).filter(pk=activity.module_id).exists()


def test_modules_move_up_and_down_and_not_past_the_ends(org, api_client):
    programme = ProgrammeFactory(organisation=org)
    _first, second = (
        ModuleFactory(organisation=org, programme=programme, position=i, title=t)
        for i, t in enumerate(["A", "B"])
    )
    client = api_client(org, Role.COORDINATOR)

    moved = client.post(_url("module-move", org, module_id=second.pk), {"direction": "up"})
    assert moved.status_code == 200
    assert moved.json()["position"] == 0
    assert _titles(org, Module, programme=programme) == ["B", "A"]
    assert "api.api-module-move" in _audit_actions(org)

    at_top = client.post(_url("module-move", org, module_id=second.pk), {"direction": "up"})
    assert at_top.status_code == 400
    assert "direction" in at_top.json()["errors"]
    sideways = client.post(_url("module-move", org, module_id=second.pk), {"direction": "left"})
    assert sideways.status_code == 400
    assert "direction" in sideways.json()["errors"]
    assert _titles(org, Module, programme=programme) == ["B", "A"]


def test_another_organisations_module_is_not_found_whatever_the_method(org, other_org, api_client):
    theirs = ModuleFactory(organisation=other_org, title="Theirs")
    client = api_client(org, Role.ADMIN)
    detail = _url("module-detail", org, module_id=theirs.pk)

    assert client.get(detail).status_code == 404
    assert client.patch(detail, {"title": "Mine"}).status_code == 404
    assert client.delete(detail).status_code == 404
    assert client.put(detail, {"title": "Mine"}).status_code == 404
    move = _url("module-move", org, module_id=theirs.pk)
    assert client.post(move, {"direction": "up"}).status_code == 404
    activities = _url("module-activities", org, module_id=theirs.pk)
    assert client.get(activities).status_code == 404
    assert client.post(activities, {"title": "Planted"}).status_code == 404
    assert _titles(other_org, Module) == ["Theirs"]
    with org_context(other_org.pk):
        assert not Activity.objects.for_org(other_org).exists()


def test_a_read_only_token_cannot_change_a_module(org, api_client):
    module = ModuleFactory(organisation=org, title="Old")
    client = api_client(org, Role.COORDINATOR, read_only=True)
    url = _url("module-detail", org, module_id=module.pk)
    assert client.get(url).status_code == 200
    for response in (
        client.patch(url, {"title": "New"}),
        client.delete(url),
        client.post(_url("module-move", org, module_id=module.pk), {"direction": "down"}),
        client.post(
            _url("programme-modules", org, programme_id=module.programme_id), {"title": "N"}
        ),
    ):
        assert response.status_code == 403
        assert response.json()["code"] == "token_read_only"
    assert _titles(org, Module) == ["Old"]


# SECTION: activities


def test_a_modules_activities_are_listed_in_order_for_staff_and_trainers(org, api_client):
    module = ModuleFactory(organisation=org)
    ActivityFactory(organisation=org, module=module, position=1, title="Second")
    ActivityFactory(organisation=org, module=module, position=0, title="First")
    ActivityFactory(organisation=org, title="Elsewhere")

    for role in (Role.COORDINATOR, Role.TRAINER):
        response = api_client(org, role).get(_url("module-activities", org, module_id=module.pk))
        rows = response.json()["results"]
        assert [row["title"] for row in rows] == ["First", "Second"]
        assert set(rows[0]) == ACTIVITY_FIELDS


def test_activity_list_queries_do_not_grow_with_rows(org, api_client):
    client = api_client(org, Role.COORDINATOR)

    def measure(count):
        module = ModuleFactory(organisation=org)
        for _ in range(count):
            ActivityFactory(organisation=org, module=module)
        url = _url("module-activities", org, module_id=module.pk)
        queries, response = _queries(client, url)
        assert len(response.json()["results"]) == count
        return queries

    assert measure(5) == measure(50)


def test_an_activity_is_added_changed_moved_and_deleted(org, api_client):
    client = api_client(org, Role.COORDINATOR)
    module = ModuleFactory(organisation=org)
    ActivityFactory(organisation=org, module=module, position=0, title="Warm-up")

    created = client.post(
        _url("module-activities", org, module_id=module.pk),
        {"title": "Map the block", "method": "walk", "materials": "Paper"},
    )
    assert created.status_code == 201
    body = created.json()
    assert set(body) == ACTIVITY_FIELDS
    assert (body["position"], body["method"], body["duration_minutes"]) == (1, "walk", 30)
    detail = _url("activity-detail", org, activity_id=body["id"])

    changed = client.patch(detail, {"duration_minutes": 45})
    assert changed.status_code == 200
    assert (changed.json()["title"], changed.json()["duration_minutes"]) == ("Map the block", 45)

    moved = client.post(_url("activity-move", org, activity_id=body["id"]), {"direction": "up"})
    assert moved.json()["position"] == 0
    assert _titles(org, Activity, module=module) == ["Map the block", "Warm-up"]

    assert client.delete(detail).status_code == 204
    assert _titles(org, Activity, module=module) == ["Warm-up"]
    actions = _audit_actions(org)
    for name in ("module-activities", "activity-detail", "activity-move"):
        assert f"api.api-{name}" in actions


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "T", "method": "lecture"}, "method"),
        ({"title": "T", "materials": "m" * 501}, "materials"),
        ({"title": ""}, "title"),
        ({"method": "walk"}, "title"),
    ],
)
def test_a_bad_activity_is_refused(org, api_client, body, field):
    module = ModuleFactory(organisation=org)
    response = api_client(org, Role.COORDINATOR).post(
        _url("module-activities", org, module_id=module.pk), body
    )
    assert response.status_code == 400
    assert field in response.json()["errors"]
    with org_context(org.pk):
        assert not Activity.objects.for_org(org).exists()


def test_an_activity_covered_in_a_log_is_not_deleted(org, api_client):
    from programmes.models import SessionLogActivity

    activity = ActivityFactory(organisation=org)
    log = SessionLogFactory(organisation=org)
    with org_context(org.pk):
        SessionLogActivity.objects.create(organisation=org, log=log, activity=activity)
    response = api_client(org, Role.COORDINATOR).delete(
        _url("activity-detail", org, activity_id=activity.pk)
    )
    assert response.status_code == 409
    assert response.json()["code"] == "in_use"


def test_trainers_read_activities_but_do_not_write_them(org, api_client):
    activity = ActivityFactory(organisation=org, title="Warm-up")
    client = api_client(org, Role.TRAINER)
    url = _url("activity-detail", org, activity_id=activity.pk)
    assert set(client.get(url).json()) == ACTIVITY_FIELDS
    assert client.patch(url, {"title": "Mine"}).status_code == 403
    assert client.delete(url).status_code == 403
    assert (
        client.post(
            _url("module-activities", org, module_id=activity.module_id), {"title": "X"}
        ).status_code
        == 403
    )
    assert _titles(org, Activity) == ["Warm-up"]


def test_another_organisations_activity_is_not_found(org, other_org, api_client):
    theirs = ActivityFactory(organisation=other_org, title="Theirs")
    client = api_client(org, Role.ADMIN)
    url = _url("activity-detail", org, activity_id=theirs.pk)
    assert client.get(url).status_code == 404
    assert client.patch(url, {"title": "Mine"}).status_code == 404
    assert client.delete(url).status_code == 404
    move = _url("activity-move", org, activity_id=theirs.pk)
    assert client.post(move, {"direction": "down"}).status_code == 404
    assert _titles(other_org, Activity) == ["Theirs"]


def test_a_read_only_token_cannot_change_an_activity(org, api_client):
    activity = ActivityFactory(organisation=org, title="Warm-up")
    client = api_client(org, Role.COORDINATOR, read_only=True)
    response = client.patch(_url("activity-detail", org, activity_id=activity.pk), {"title": "X"})
    assert response.status_code == 403
    assert response.json()["code"] == "token_read_only"
    assert _titles(org, Activity) == ["Warm-up"]
