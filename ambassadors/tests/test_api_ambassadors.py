"""The ambassadors API for coordinators: the roster, starting the path, status, caps (admins),
check-ins and debriefs. Ambassadors, trainers and partner contacts reach none of it."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from ambassadors.models import Ambassador, AmbassadorSettings, CheckIn, Debrief, OutreachTask
from cocora.core.dates import organisation_today
from cocora.organisations.context import org_context
from cocora.organisations.models import Role
from programmes.models import Enrolment

from .factories import (
    AmbassadorFactory,
    CheckInFactory,
    DebriefFactory,
    OutreachTaskFactory,
)
from .test_api_support import (
    API_TENANT_QUERIES,
    ambassador_token,
    api,
    audit_actions,
    count,
    fetch,
    measure_list,
    name_of,
    next_monday,
)
from .test_promotion import graduate, training

pytestmark = pytest.mark.django_db

AMBASSADOR_KEYS = {
    "id",
    "participant",
    "name",
    "cohort",
    "status",
    "has_account",
    "active_since",
    "certified_on",
    "open_tasks_cap",
    "weekly_hours_cap",
    "cap_reason",
    "effective_open_tasks_cap",
    "effective_weekly_hours_cap",
    "open_count",
    "overdue_count",
    "hours_this_month",
    "last_checkin",
    "checkin_due",
    "checkin_overdue",
    "last_debrief",
    "debrief_due",
    "created_at",
}
CHECKIN_KEYS = {
    "id",
    "ambassador",
    "ambassador_name",
    "held_on",
    "wellbeing",
    "notes",
    "created_at",
}
DEBRIEF_KEYS = {
    "id",
    "ambassador",
    "ambassador_name",
    "task",
    "due_on",
    "held_on",
    "notes",
    "created_at",
}
SETTINGS_KEYS = {"open_tasks_cap", "weekly_hours_cap", "updated_at"}

# -- the roster ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ADMIN])
def test_staff_read_the_roster(org, api_client, role):
    client = api_client(org, role)
    ambassador = AmbassadorFactory(organisation=org)
    OutreachTaskFactory(
        organisation=org, ambassador=ambassador, due_on=timezone.localdate() - timedelta(days=1)
    )
    debrief = DebriefFactory(organisation=org, ambassador=ambassador)

    (row,) = client.get(api(org, "ambassadors/")).json()["results"]
    one = client.get(api(org, f"ambassadors/{ambassador.pk}/")).json()

    assert set(row) == set(one) == AMBASSADOR_KEYS
    assert row == one
    assert (one["name"], one["open_count"], one["overdue_count"]) == (
        name_of(org, ambassador),
        1,
        1,
    )
    assert (one["effective_open_tasks_cap"], one["effective_weekly_hours_cap"]) == (3, 4)
    assert one["debrief_due"] == str(debrief.due_on)


@pytest.mark.parametrize("role", [Role.AMBASSADOR, Role.TRAINER, Role.PARTNER])
def test_other_roles_reach_no_ambassador(org, api_client, role):
    client = api_client(org, role)
    ambassador = AmbassadorFactory(organisation=org)
    for path in (
        "ambassadors/",
        f"ambassadors/{ambassador.pk}/",
        "ambassadors/check-ins/",
        "ambassadors/debriefs/",
        "ambassadors/caps/",
    ):
        assert client.get(api(org, path)).status_code == 403, path
    assert (
        client.patch(api(org, f"ambassadors/{ambassador.pk}/"), {"status": "paused"}).status_code
        == 403
    )
    assert fetch(org, Ambassador, ambassador.pk).status == "active"


def test_another_organisations_ambassador_is_404(org, other_org, api_client):
    client = api_client(org, Role.ADMIN)
    foreign = AmbassadorFactory(organisation=other_org)
    url = api(org, f"ambassadors/{foreign.pk}/")
    assert client.get(url).status_code == 404
    assert client.patch(url, {"status": "paused"}).status_code == 404
    caps = client.post(url + "caps/", {"open_tasks_cap": 5, "reason": "Festival"})
    assert caps.status_code == 404
    stored = fetch(other_org, Ambassador, foreign.pk)
    assert (stored.status, stored.open_tasks_cap) == ("active", None)


def test_roster_filters(org, api_client):
    client = api_client(org, Role.COORDINATOR)
    paused = AmbassadorFactory(organisation=org, status="paused")
    late = AmbassadorFactory(organisation=org)
    OutreachTaskFactory(
        organisation=org, ambassador=late, due_on=timezone.localdate() - timedelta(days=2)
    )
    waiting = AmbassadorFactory(organisation=org)
    DebriefFactory(organisation=org, ambassador=waiting)

    def ids(**query):
        response = client.get(api(org, "ambassadors/"), query)
        assert response.status_code == 200, response.json()
        return {a["id"] for a in response.json()["results"]}

    assert ids(status="paused") == {paused.pk}
    assert ids(has_overdue_tasks="true") == {late.pk}
    assert ids(debrief_pending="true") == {waiting.pk}
    assert ids(debrief_pending="false") == {paused.pk, late.pk}
    assert ids(cohort=late.cohort_id) == {late.pk}


def test_the_roster_query_count_is_the_same_for_5_and_50_ambassadors(org, api_client):
    client = api_client(org, Role.COORDINATOR)

    def make(n):
        for _ in range(n):
            ambassador = AmbassadorFactory(organisation=org)
            OutreachTaskFactory(organisation=org, ambassador=ambassador)
            CheckInFactory(organisation=org, ambassador=ambassador)
            DebriefFactory(organisation=org, ambassador=ambassador)

    # token with its user, the membership with its organisation, the organisation's caps (once),
    # count, the roster (one query with subqueries) = 5 (+ tenant settings on PostgreSQL).
    counts = measure_list(client, api(org, "ambassadors/"), make)
    assert counts == [5 + API_TENANT_QUERIES] * 2


# -- starting the ambassador path -----------------------------------------------------------------


def test_a_coordinator_starts_the_ambassador_path(org, api_client):
    client = api_client(org, Role.COORDINATOR)
    participant, cohort = graduate(org), training(org)

    response = client.post(
        api(org, "ambassadors/"), {"participant": participant.pk, "cohort": cohort.pk}
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) == AMBASSADOR_KEYS
    assert (body["participant"], body["cohort"], body["status"]) == (
        participant.pk,
        cohort.pk,
        "in_training",
    )
    actions = audit_actions(org)
    assert "ambassador.promoted" in actions and actions[-1] == "api.api-ambassador-list"


def test_promotion_refusals_name_the_field_and_create_nothing(org, other_org, api_client):
    client = api_client(org, Role.COORDINATOR)
    url = api(org, "ambassadors/")
    ready, cohort = graduate(org), training(org)
    not_yet = graduate(org, stage="active", email="n@example.org")
    prevention = graduate(org, email="p@example.org")  # a Prevention cohort is no training
    foreign = graduate(other_org, email="f@example.org")

    refused = client.post(url, {"participant": not_yet.pk, "cohort": cohort.pk})
    assert refused.status_code == 400
    assert "has not completed the Prevention Programme" in refused.json()["message"]
    wrong_cohort = client.post(
        url, {"participant": prevention.pk, "cohort": fetch_prevention_cohort(org, prevention)}
    )
    assert (wrong_cohort.status_code, list(wrong_cohort.json()["errors"])) == (400, ["cohort"])
    other = client.post(url, {"participant": foreign.pk, "cohort": cohort.pk})
    assert (other.status_code, list(other.json()["errors"])) == (400, ["participant"])
    missing = client.post(url, {"participant": ready.pk})
    assert list(missing.json()["errors"]) == ["cohort"]
    assert count(org, Ambassador) == 0 and count(other_org, Ambassador) == 0


def fetch_prevention_cohort(org, participant):
    with org_context(org.pk):
        return Enrolment.objects.for_org(org).get(participant=participant).cohort_id


def test_ambassadors_cannot_promote_and_read_only_tokens_cannot_write(org, api_client):
    participant, cohort = graduate(org), training(org)
    body = {"participant": participant.pk, "cohort": cohort.pk}
    own = ambassador_token(org)
    assert own.post(api(org, "ambassadors/"), body).status_code == 403
    read_only = api_client(org, Role.COORDINATOR, read_only=True)
    response = read_only.post(api(org, "ambassadors/"), body)
    assert (response.status_code, response.json()["code"]) == (403, "token_read_only")
    assert count(org, Ambassador) == 1  # the ambassador_token's own record only


# -- status and caps ----------------------------------------------------------------------------


def test_a_coordinator_changes_the_status(org, api_client):
    client = api_client(org, Role.COORDINATOR)
    ambassador = AmbassadorFactory(organisation=org)
    url = api(org, f"ambassadors/{ambassador.pk}/")

    response = client.patch(url, {"status": "paused"})

    assert (response.status_code, response.json()["status"]) == (200, "paused")
    assert audit_actions(org)[-2:] == ["ambassador.status_changed", "api.api-ambassador-detail"]
    bad = client.patch(url, {"status": "retired"})
    assert (bad.status_code, list(bad.json()["errors"])) == (400, ["status"])
    assert fetch(org, Ambassador, ambassador.pk).status == "paused"


def test_becoming_active_needs_the_training_completed(org, api_client):
    client = api_client(org, Role.COORDINATOR)
    trainee = AmbassadorFactory(organisation=org, status="in_training", active_since=None)
    response = client.patch(api(org, f"ambassadors/{trainee.pk}/"), {"status": "active"})
    assert (response.status_code, list(response.json()["errors"])) == (400, ["status"])
    assert fetch(org, Ambassador, trainee.pk).status == "in_training"


def test_an_admin_raises_an_ambassadors_caps_with_a_reason(org, api_client):
    client = api_client(org, Role.ADMIN)
    ambassador = AmbassadorFactory(organisation=org)

    response = client.post(
        api(org, f"ambassadors/{ambassador.pk}/caps/"),
        {"open_tasks_cap": 5, "weekly_hours_cap": "6", "reason": "Runs the festival stand"},
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["effective_open_tasks_cap"], body["effective_weekly_hours_cap"]) == (5, 6)
    assert body["cap_reason"] == "Runs the festival stand"
    assert audit_actions(org)[-2:] == ["ambassador.cap_raised", "api.api-ambassador-caps"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"open_tasks_cap": 5}, "reason"),
        ({"open_tasks_cap": 5, "reason": "  "}, "reason"),
        ({"open_tasks_cap": 2, "reason": "Fewer"}, "open_tasks_cap"),
        ({"weekly_hours_cap": "80", "reason": "More"}, "weekly_hours_cap"),
        ({"open_tasks_cap": 5, "reason": "x", "why": "y"}, "why"),
    ],
)
def test_cap_refusals_name_the_field(org, api_client, body, field):
    client = api_client(org, Role.ADMIN)
    ambassador = AmbassadorFactory(organisation=org)
    response = client.post(api(org, f"ambassadors/{ambassador.pk}/caps/"), body)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert fetch(org, Ambassador, ambassador.pk).open_tasks_cap is None


def test_only_admins_raise_caps(org, api_client):
    ambassador = AmbassadorFactory(organisation=org)
    body = {"open_tasks_cap": 5, "reason": "Festival"}
    coordinator = api_client(org, Role.COORDINATOR)
    assert coordinator.post(api(org, f"ambassadors/{ambassador.pk}/caps/"), body).status_code == 403
    read_only = api_client(org, Role.ADMIN, read_only=True)
    response = read_only.post(api(org, f"ambassadors/{ambassador.pk}/caps/"), body)
    assert (response.status_code, response.json()["code"]) == (403, "token_read_only")
    assert fetch(org, Ambassador, ambassador.pk).open_tasks_cap is None


def test_the_organisations_caps(org, api_client):
    admin = api_client(org, Role.ADMIN)
    url = api(org, "ambassadors/caps/")

    shown = admin.get(url).json()
    assert set(shown) == SETTINGS_KEYS
    assert (shown["open_tasks_cap"], shown["weekly_hours_cap"], shown["updated_at"]) == (3, 4, None)

    changed = admin.patch(url, {"open_tasks_cap": 5})
    assert changed.status_code == 200, changed.json()
    assert (changed.json()["open_tasks_cap"], changed.json()["weekly_hours_cap"]) == (5, 4)
    assert audit_actions(org)[-2:] == ["ambassadors.caps_changed", "api.api-ambassador-settings"]

    bad = admin.patch(url, {"open_tasks_cap": 50})
    assert (bad.status_code, list(bad.json()["errors"])) == (400, ["open_tasks_cap"])
    assert count(org, AmbassadorSettings, open_tasks_cap=5) == 1
    coordinator = api_client(org, Role.COORDINATOR)
    assert coordinator.get(url).status_code == 403
    assert coordinator.patch(url, {"open_tasks_cap": 9}).status_code == 403


# -- check-ins ----------------------------------------------------------------------------------


def test_check_ins(org, other_org, api_client):
    client = api_client(org, Role.COORDINATOR)
    ambassador = AmbassadorFactory(organisation=org)
    old = CheckInFactory(organisation=org, ambassador=ambassador, notes="Tired after exams")

    (row,) = client.get(api(org, "ambassadors/check-ins/")).json()["results"]
    one = client.get(api(org, f"ambassadors/check-ins/{old.pk}/")).json()
    assert set(row) == set(one) == CHECKIN_KEYS
    assert one["notes"] == "Tired after exams"  # coordinators' notes, for coordinators

    created = client.post(
        api(org, "ambassadors/check-ins/"),
        {"ambassador": ambassador.pk, "held_on": str(organisation_today(org)), "wellbeing": "okay"},
    )
    assert created.status_code == 201, created.json()
    assert audit_actions(org)[-2:] == ["ambassador.checkin_recorded", "api.api-checkin-list"]

    foreign = CheckInFactory(organisation=other_org)
    assert client.get(api(org, f"ambassadors/check-ins/{foreign.pk}/")).status_code == 404
    filtered = client.get(api(org, "ambassadors/check-ins/"), {"wellbeing": "okay"}).json()
    assert [c["id"] for c in filtered["results"]] == [created.json()["id"]]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"held_on": "2999-01-01"}, "held_on"),
        ({"wellbeing": "fine"}, "wellbeing"),
        ({"ambassador": None}, "ambassador"),
        ({"mood": "good"}, "mood"),
        # Regression: notes were cut at 4,000 characters without a word.
        ({"notes": "w" * 100_000}, "notes"),
    ],
)
def test_check_in_bad_input(org, api_client, change, field):
    client = api_client(org, Role.COORDINATOR)
    ambassador = AmbassadorFactory(organisation=org)
    body = {
        "ambassador": ambassador.pk,
        "held_on": str(organisation_today(org)),
        "wellbeing": "good",
    }
    body.update(change)
    response = client.post(api(org, "ambassadors/check-ins/"), body)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert count(org, CheckIn) == 0


def test_a_check_in_for_another_organisations_ambassador_is_refused(org, other_org, api_client):
    client = api_client(org, Role.COORDINATOR)
    foreign = AmbassadorFactory(organisation=other_org)
    response = client.post(
        api(org, "ambassadors/check-ins/"),
        {"ambassador": foreign.pk, "held_on": str(organisation_today(org)), "wellbeing": "good"},
    )
    assert (response.status_code, list(response.json()["errors"])) == (400, ["ambassador"])
    assert count(org, CheckIn) == 0 and count(other_org, CheckIn) == 0


def test_the_check_in_list_query_count_is_the_same_for_5_and_50(org, api_client):
    client = api_client(org, Role.COORDINATOR)

    def make(n):
        for _ in range(n):
            CheckInFactory(organisation=org)

    # token with its user, the membership with its organisation, count, check-ins with their
    # ambassadors = 4 (+ tenant settings on PostgreSQL).
    counts = measure_list(client, api(org, "ambassadors/check-ins/"), make)
    assert counts == [4 + API_TENANT_QUERIES] * 2


# -- debriefs -----------------------------------------------------------------------------------


def test_recording_a_debrief_lets_tasks_be_assigned_again(org, api_client):
    client = api_client(org, Role.COORDINATOR)
    ambassador = AmbassadorFactory(organisation=org)
    debrief = DebriefFactory(organisation=org, ambassador=ambassador)
    task = {
        "ambassador": ambassador.pk,
        "kind": "online",
        "title": "A post",
        "due_on": str(next_monday()),
    }
    assert client.post(api(org, "ambassadors/tasks/"), task).status_code == 409

    (row,) = client.get(api(org, "ambassadors/debriefs/"), {"pending": "true"}).json()["results"]
    assert set(row) == DEBRIEF_KEYS
    url = api(org, f"ambassadors/debriefs/{debrief.pk}/")
    recorded = client.post(
        url + "record/", {"held_on": str(organisation_today(org)), "notes": "Talked it through"}
    )
    assert recorded.status_code == 200, recorded.json()
    assert set(recorded.json()) == DEBRIEF_KEYS
    assert recorded.json()["notes"] == "Talked it through"
    assert audit_actions(org)[-2:] == ["ambassador.debrief_recorded", "api.api-debrief-record"]
    assert client.get(api(org, "ambassadors/debriefs/"), {"pending": "true"}).json()["count"] == 0

    again = client.post(url + "record/", {"held_on": str(organisation_today(org))})
    assert (again.status_code, again.json()["code"]) == (409, "conflict")
    assert client.post(api(org, "ambassadors/tasks/"), task).status_code == 201
    assert count(org, OutreachTask, ambassador=ambassador) == 1


def test_debrief_refusals(org, other_org, api_client):
    client = api_client(org, Role.COORDINATOR)
    debrief = DebriefFactory(organisation=org)
    url = api(org, f"ambassadors/debriefs/{debrief.pk}/record/")
    future = client.post(url, {"held_on": "2999-01-01"})
    assert (future.status_code, list(future.json()["errors"])) == (400, ["held_on"])
    missing = client.post(url, {})
    assert list(missing.json()["errors"]) == ["held_on"]
    own = ambassador_token(org)
    assert own.post(url, {"held_on": str(organisation_today(org))}).status_code == 403
    foreign = DebriefFactory(organisation=other_org)
    foreign_url = api(org, f"ambassadors/debriefs/{foreign.pk}/record/")
    assert client.post(foreign_url, {"held_on": str(organisation_today(org))}).status_code == 404
    assert fetch(org, Debrief, debrief.pk).held_on is None
    assert fetch(other_org, Debrief, foreign.pk).held_on is None


def test_the_debrief_list_query_count_is_the_same_for_5_and_50(org, api_client):
    client = api_client(org, Role.COORDINATOR)

    def make(n):
        for _ in range(n):
            DebriefFactory(organisation=org)

    # token with its user, the membership with its organisation, count, debriefs with their
    # ambassadors = 4 (+ tenant settings on PostgreSQL).
    counts = measure_list(client, api(org, "ambassadors/debriefs/"), make)
    assert counts == [4 + API_TENANT_QUERIES] * 2


def test_decimal_caps_are_numbers(org, api_client):
    # COERCE_DECIMAL_TO_STRING is off: hours are JSON numbers.
    client = api_client(org, Role.COORDINATOR)
    AmbassadorFactory(organisation=org, weekly_hours_cap=Decimal("5.5"), cap_reason="x")
    (row,) = client.get(api(org, "ambassadors/")).json()["results"]
    assert row["weekly_hours_cap"] == 5.5 and row["effective_weekly_hours_cap"] == 5.5
