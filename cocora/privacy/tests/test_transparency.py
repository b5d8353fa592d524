"""The public transparency page of an organisation: no login, in the language the reader picks,
made from the organisation's real settings (retention periods, the permission map, its
data-protection contact). What partners receive is tested in partners/tests/test_transparency.py,
next to the sharing rules."""

import io
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from cocora.audit.models import AuditEvent
from cocora.organisations.context import org_context
from cocora.organisations.models import Organisation, Role
from cocora.organisations.permissions import roles_for
from cocora.privacy.models import RecordType
from cocora.privacy.selectors import transparency_facts
from cocora.privacy.services import retention_policy_set
from cocora.privacy.transparency import ACCESS_ACTIONS

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(datetime(2026, 5, 4, 10, 0, tzinfo=UTC), tick=False):
        yield


def _url(org: Organisation, language: str = "") -> str:
    url = reverse("transparency", kwargs={"org_slug": org.slug})
    return f"{url}?lang={language}" if language else url


def _text(client, org: Organisation, language: str = "") -> str:  # type: ignore[no-untyped-def]
    response = client.get(_url(org, language))
    assert response.status_code == 200
    return str(response.content.decode())


def test_anyone_reads_the_page_without_signing_in(org, client):
    response = client.get(_url(org))

    assert response.status_code == 200
    html = response.content.decode()
    assert f"Your data at {org.name}" in html
    assert "What we write down about you" in html and "Whom to ask" in html
    # No contact given yet: the page still says whom to ask.
    assert f"Ask any member of staff of {org.name}" in html


def test_an_unknown_address_is_a_404_and_the_page_takes_no_writes(org, client):
    assert client.get("/o/no-such-org/transparency/").status_code == 404
    before = AuditEvent.objects.count()

    assert client.post(_url(org), {"name": "Intruder"}).status_code == 405
    assert AuditEvent.objects.count() == before


def test_the_reader_picks_a_language_and_the_organisations_own_comes_first(org, client):
    org.language = "da"
    org.save()

    default = client.get(_url(org))
    english = client.get(_url(org, "en"))
    unknown = client.get(_url(org, "xx"))

    assert '<html lang="da">' in default.content.decode()
    assert '<html lang="en">' in english.content.decode()
    assert '<html lang="da">' in unknown.content.decode()
    assert next(code for code, _name in default.context["page_languages"]) == "da"
    assert 'href="?lang=de"' in default.content.decode()


def test_a_changed_retention_period_shows_on_the_page(org, client):
    assert "24 months after the end of their last cohort" in _text(client, org, "en")

    with org_context(org.pk):
        retention_policy_set(
            organisation=org, record_type=RecordType.PARTICIPANTS, period=18, actor=None
        )

    text = _text(client, org, "en")
    assert "18 months after the end of their last cohort" in text
    assert "24 months after the end" not in text


def test_the_contact_an_admin_saves_in_the_settings_shows_on_the_page(org, admin_client_, client):
    response = admin_client_.post(
        reverse("organisation_settings", kwargs={"org_slug": org.slug}),
        {
            "name": org.name,
            "language": org.language,
            "time_zone": org.time_zone,
            "digital_consent_age": 15,
            "small_cell_threshold": org.small_cell_threshold,
            "privacy_contact_name": "Our data protection officer",
            "privacy_contact_email": "dpo@alpha.example",
            "privacy_contact_phone": "+45 12 34 56 78",
            "privacy_contact_address": "Nørregade 1\n1165 København",
            "supervisory_authority": "Datatilsynet, datatilsynet.dk",
        },
    )
    assert response.status_code == 302

    text = _text(client, org, "en")
    assert "Our data protection officer" in text
    assert 'href="mailto:dpo@alpha.example"' in text
    assert "Nørregade 1<br>1165 København" in text
    assert "you can complain to Datatilsynet, datatilsynet.dk" in text
    # The age of digital consent is the organisation's own.
    assert "If you are younger than 15" in text
    with org_context(org.pk):
        event = AuditEvent.objects.for_org(org).get(action="organisation.settings_changed")
    assert event.details["changed"]["privacy_contact_email"]["to"] == "dpo@alpha.example"


def test_who_sees_what_follows_the_permission_map(org):
    with org_context(org.pk):
        facts = transparency_facts(organisation=org)

    assert [(a.action, set(a.roles)) for a in facts.access] == [
        (action, {str(role) for role in roles_for(action)}) for action, _words in ACCESS_ACTIONS
    ]
    by_action = {a.action: a for a in facts.access}
    assert by_action["participants.view"].sentence.startswith("Admins and coordinators see")
    assert "trainers" in by_action["attendance.record"].sentence
    assert facts.no_access == "ambassadors and contacts at partner organisations"
    assert facts.never_kept == "religion, ethnicity or any kind of risk rating"


def test_another_organisations_settings_never_appear(org, other_org, client):
    other_org.privacy_contact_name = "Someone elsewhere"
    other_org.save()
    with org_context(other_org.pk):
        retention_policy_set(
            organisation=other_org, record_type=RecordType.PARTICIPANTS, period=7, actor=None
        )

    text = _text(client, org, "en")

    assert "Someone elsewhere" not in text and "7 months" not in text
    assert other_org.name not in text


def test_members_read_the_same_facts_in_the_api(org, api_client):
    org.privacy_contact_email = "dpo@alpha.example"
    org.save()
    client = api_client(org, Role.TRAINER, read_only=True)

    response = client.get(f"/api/v1/o/{org.slug}/transparency/")

    assert response.status_code == 200
    body = response.json()
    assert body["contact"]["email"] == "dpo@alpha.example"
    assert body["page_url"].endswith(_url(org))
    assert [row["record_type"] for row in body["retention"]] == list(RecordType.values)
    assert body["retention"][0]["period"] == "24 months"
    assert {"partners", "access", "kept", "never_kept"} <= set(body)


def test_the_demo_organisations_pages_are_complete_and_their_own(client):
    call_command("seed_demo", "--force", stdout=io.StringIO())
    nordby = Organisation.objects.get(slug="nordby")
    suedstadt = Organisation.objects.get(slug="suedstadt")
    with org_context(nordby.pk):
        nordby_facts = transparency_facts(organisation=nordby)
    with org_context(suedstadt.pk):
        suedstadt_facts = transparency_facts(organisation=suedstadt)

    page = _text(client, nordby)

    assert '<html lang="da">' in page
    assert "databeskyttelse@nordby.example" in page and "Datatilsynet" in page
    assert nordby_facts.partners and all(p.partner in page for p in nordby_facts.partners)
    assert not any(p.partner in page for p in suedstadt_facts.partners)
    assert "datenschutz@suedstadt.example" in _text(client, suedstadt)


def test_the_sign_in_page_links_the_organisation_the_visitor_was_heading_for(org, client):
    response = client.get(f"/o/{org.slug}/cohorts/", follow=True)

    assert f'href="{_url(org)}"' in response.content.decode()
    # No lookup: a made-up organisation gets the same link, and the page reveals nothing.
    made_up = client.get("/o/no-such-org/", follow=True).content.decode()
    assert 'href="/o/no-such-org/transparency/"' in made_up
    assert "transparency/" not in client.get(reverse("account_login")).content.decode()
