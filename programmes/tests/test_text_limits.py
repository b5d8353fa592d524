"""Too much text and names with hidden characters are refused with a message, on the pages and in
the API alike, and nothing is saved.

Regressions: long text fields took 100,000 characters; a 5,000-character cohort name typed (or
pasted) into the page was cut to 200 without a word; names took U+202E, which turns the rest of
a name around ("Ali" + U+202E + "gpj.exe")."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cocora.organisations.context import org_context
from cocora.organisations.models import Role
from programmes.models import Cohort, Programme, SessionLog
from programmes.tests.factories import CohortTrainerFactory, ProgrammeFactory, SessionFactory

pytestmark = pytest.mark.django_db

RIGHT_TO_LEFT_OVERRIDE = "\u202e"
BOOK = "w" * 100_000


def _api(name, org, **ids):
    return reverse(f"api-{name}", kwargs={"org_slug": org.slug, **ids})


def _cohort_form(programme, name):
    return {
        "programme": programme.pk,
        "name": name,
        "starts_on": (timezone.localdate() + timedelta(days=30)).isoformat(),
        "capacity": "12",
    }


def test_the_cohort_name_field_does_not_cut_what_is_typed(org, member_client):
    page = member_client(org, Role.COORDINATOR).get(reverse("cohort_create", args=[org.slug]))
    assert 'name="name"' in page.content.decode()
    assert "maxlength" not in page.content.decode()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("x" * 5000, "at most 200 characters"),
        (f"Spring{RIGHT_TO_LEFT_OVERRIDE}group", "invisible or direction-changing character"),
    ],
    ids=["5000 characters", "U+202E"],
)
def test_a_cohort_name_is_refused_with_a_message_on_the_page_and_in_the_api(
    org, member_client, api_client, name, message
):
    programme = ProgrammeFactory(organisation=org)
    page = member_client(org, Role.COORDINATOR).post(
        reverse("cohort_create", args=[org.slug]), _cohort_form(programme, name)
    )
    api = api_client(org, Role.COORDINATOR).post(
        _api("cohort-list", org), _cohort_form(programme, name), format="json"
    )

    assert page.status_code == 400
    assert message in page.content.decode().replace("\u202f", " ").replace("\xa0", " ")
    assert api.status_code == 400
    assert "name" in api.json()["errors"]
    with org_context(org.pk):
        assert not Cohort.objects.for_org(org).exists()


def test_a_programme_summary_of_100000_characters_is_refused_on_the_page_and_in_the_api(
    org, member_client, api_client
):
    page = member_client(org, Role.COORDINATOR).post(
        reverse("programme_create", args=[org.slug]),
        {"kind": "collaborative", "start": "empty", "title": "Ours", "language": "en"}
        | {"summary": BOOK},
    )
    api = api_client(org, Role.COORDINATOR).post(
        _api("programme-list", org),
        {"kind": "collaborative", "title": "Ours", "language": "en", "summary": BOOK},
        format="json",
    )

    assert page.status_code == 400
    assert "This is 100,000 characters long; at most 2,000 fit here." in page.content.decode()
    assert api.status_code == 400, api.content[:500]
    assert "summary" in api.json()["errors"]
    with org_context(org.pk):
        assert not Programme.objects.for_org(org).exists()


def test_a_session_log_of_100000_characters_is_refused_on_the_page_and_in_the_api(
    org, member_client, api_client
):
    trainer = member_client(org, Role.TRAINER)
    session = SessionFactory(organisation=org)
    CohortTrainerFactory(organisation=org, cohort=session.cohort, user=trainer.membership.user)
    api = api_client(org, Role.TRAINER, user=trainer.membership.user)

    page = trainer.post(reverse("session_log", args=[org.slug, session.pk]), {"summary": BOOK})
    answer = api.put(
        _api("session-log", org, session_id=session.pk), {"themes": BOOK}, format="json"
    )

    assert page.status_code == 400
    assert "at most 10,000 fit here" in page.content.decode()
    assert answer.status_code == 400
    assert "themes" in answer.json()["errors"]
    with org_context(org.pk):
        assert not SessionLog.objects.for_org(org).exists()
