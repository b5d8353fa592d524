"""One plausible-date rule for check-ins, debriefs and task dates, on the pages, in the API and
in the services themselves."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ambassadors.models import CheckIn, Debrief, OutreachTask
from ambassadors.services.care import checkin_record, debrief_record
from cocora.core.errors import ApplicationError
from cocora.organisations.context import org_context
from cocora.organisations.models import Role

from .factories import AmbassadorFactory, DebriefFactory
from .test_api_support import ambassador_token, api

pytestmark = pytest.mark.django_db

YEAR_ONE, YEAR_9999 = "0001-01-01", "9999-12-31"
REFUSAL = "Choose a date between 2000 and 2100"


def _checkins(org):
    with org_context(org.pk):
        return CheckIn.objects.for_org(org).count()


def _debrief(org, pk):
    with org_context(org.pk):
        return Debrief.objects.for_org(org).get(pk=pk)


def _tasks(org):
    with org_context(org.pk):
        return OutreachTask.objects.for_org(org).count()


def test_a_check_in_in_the_year_1_is_refused_on_the_page_and_in_the_api(
    org, member_client, api_client
):
    ambassador = AmbassadorFactory(organisation=org)
    page = member_client(org, Role.COORDINATOR).post(
        reverse("checkin_create", args=[org.slug, ambassador.pk]),
        {"held_on": YEAR_ONE, "wellbeing": "good"},
    )
    response = api_client(org, Role.COORDINATOR).post(
        api(org, "ambassadors/check-ins/"),
        {"ambassador": ambassador.pk, "held_on": YEAR_ONE, "wellbeing": "good"},
    )
    assert page.status_code == 400
    assert REFUSAL in page.content.decode()
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["held_on"]
    assert _checkins(org) == 0


def test_a_debrief_in_the_year_1_is_refused_and_keeps_blocking_new_tasks(
    org, member_client, api_client
):
    # Regression: the page recorded it, and with it the ambassador could be given tasks again.
    ambassador = AmbassadorFactory(organisation=org)
    debrief = DebriefFactory(organisation=org, ambassador=ambassador)
    page = member_client(org, Role.COORDINATOR).post(
        reverse("debrief_record", args=[org.slug, debrief.pk]), {"held_on": YEAR_ONE}
    )
    coordinator = api_client(org, Role.COORDINATOR)
    response = coordinator.post(
        api(org, f"ambassadors/debriefs/{debrief.pk}/record/"), {"held_on": YEAR_ONE}
    )
    assert page.status_code == 400
    assert REFUSAL in page.content.decode()
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["held_on"]
    assert _debrief(org, debrief.pk).held_on is None
    task = {
        "ambassador": ambassador.pk,
        "kind": "online",
        "title": "A post",
        "due_on": str(timezone.localdate() + timedelta(days=3)),
    }
    assert coordinator.post(api(org, "ambassadors/tasks/"), task).status_code == 409


def test_the_services_refuse_implausible_days_whatever_calls_them(org, member_client):
    coordinator = member_client(org, Role.COORDINATOR).membership.user
    ambassador = AmbassadorFactory(organisation=org)
    debrief = DebriefFactory(organisation=org, ambassador=ambassador)
    with org_context(org.pk):
        with pytest.raises(ApplicationError, match=REFUSAL) as refused:
            checkin_record(
                organisation=org,
                ambassador=ambassador,
                held_on=date(1, 1, 1),
                wellbeing="good",
                actor=coordinator,
            )
        assert refused.value.field == "held_on"
        with pytest.raises(ApplicationError, match=REFUSAL):
            debrief_record(
                organisation=org, debrief=debrief, held_on=date(1, 1, 1), actor=coordinator
            )
        # A debrief follows the difficult moment: not a day before it was reported.
        with pytest.raises(ApplicationError, match="cannot be held before that day"):
            debrief_record(
                organisation=org,
                debrief=debrief,
                held_on=timezone.localdate() - timedelta(days=3),
                actor=coordinator,
            )
    assert _checkins(org) == 0
    assert _debrief(org, debrief.pk).held_on is None


def test_a_proposal_due_in_9999_is_refused_on_the_page_and_in_the_api(org, member_client):
    page_client = member_client(org, Role.AMBASSADOR)
    AmbassadorFactory(organisation=org, user=page_client.membership.user)
    page = page_client.post(
        reverse("outreach_task_propose", args=[org.slug]),
        {"kind": "online", "title": "A post", "due_on": YEAR_9999, "estimated_hours": "1"},
    )
    response = ambassador_token(org).post(
        api(org, "ambassadors/tasks/propose/"),
        {"kind": "online", "title": "A post", "due_on": YEAR_9999},
    )
    assert page.status_code == 400
    assert REFUSAL in page.content.decode()
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["due_on"]
    assert _tasks(org) == 0


def test_a_task_assigned_on_the_page_for_9999_is_refused(org, member_client):
    ambassador = AmbassadorFactory(organisation=org)
    page = member_client(org, Role.COORDINATOR).post(
        reverse("outreach_task_create", args=[org.slug]),
        {
            "ambassador": ambassador.pk,
            "kind": "online",
            "title": "A post",
            "due_on": YEAR_9999,
            "estimated_hours": "1",
        },
    )
    assert page.status_code == 400
    assert REFUSAL in page.content.decode()
    assert _tasks(org) == 0
