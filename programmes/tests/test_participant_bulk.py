"""Bulk actions on the participant list: a consent received on paper for several people at once
(all checked first, nothing recorded if anyone fails), and exporting the people ticked; on the
page (no JavaScript needed) and through the API; constant queries, audited per person."""

import csv
import io
from datetime import UTC, date, datetime, timedelta
from typing import Any

import openpyxl
import pytest
import time_machine
from django.urls import reverse

from cocora.audit.models import AuditEvent
from cocora.core.errors import ApplicationError
from cocora.organisations.context import org_context
from cocora.organisations.models import Role
from cocora.privacy.services import subject_erase
from cocora.testing.queries import api_request_queries, count_queries, tenant_settings_queries
from programmes.models import Consent
from programmes.services.consent import BULK_MAX, consent_record_many
from programmes.tests.factories import (
    CohortFactory,
    ConsentFactory,
    EnrolmentFactory,
    ParticipantFactory,
)

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 22)
PAPER = {"scope": "photos", "given_by": "guardian", "given_on": "2026-11-20"}


@pytest.fixture(autouse=True)
def _on_a_known_day():
    with time_machine.travel(datetime(2026, 11, 22, 10, 0, tzinfo=UTC), tick=False):
        yield


def _consents(org: Any, **filters: Any) -> list[Consent]:
    with org_context(org.pk):
        return list(Consent.objects.for_org(org).filter(**filters).order_by("pk"))


def _events(org: Any, action: str) -> list[AuditEvent]:
    with org_context(org.pk):
        return list(AuditEvent.objects.for_org(org).filter(action=action).order_by("pk"))


def _record_here(org: Any, people: list[Any], **overrides: Any) -> list[Consent]:
    """The service, in the organisation's context already entered."""
    fields = {
        "scope": "photos",
        "given_by": "guardian",
        "given_on": TODAY - timedelta(days=2),
        **overrides,
    }
    return consent_record_many(organisation=org, participant_ids=[p.pk for p in people], **fields)


def _record(org: Any, people: list[Any], **overrides: Any) -> list[Consent]:
    with org_context(org.pk):
        return _record_here(org, people, **overrides)


# -- the service -------------------------------------------------------------------------------


def test_a_paper_consent_is_recorded_for_everyone_chosen_with_a_line_each(org):
    people = ParticipantFactory.create_batch(3, organisation=org)

    consents = _record(org, people)

    assert sorted(c.participant_id for c in consents) == sorted(p.pk for p in people)
    assert {(c.scope, c.given_by) for c in _consents(org)} == {("photos", "guardian")}
    events = _events(org, "consent.recorded")
    assert sorted(int(e.target_id) for e in events) == sorted(c.pk for c in consents)
    assert all(
        e.details == {"scope": "photos", "given_by": "guardian", "bulk": True} for e in events
    )


def test_the_bulk_consent_takes_the_same_queries_for_5_and_50_people(org):
    def run(total: int) -> int:
        people = ParticipantFactory.create_batch(total, organisation=org)
        ConsentFactory(organisation=org, participant=people[0], scope="contact")
        with org_context(org.pk):
            count, consents = count_queries(lambda: _record_here(org, people))
        assert len(consents) == total
        return count

    # the people, their consents, the erasure records, the insert of consents, the insert of
    # the audit lines = 5
    assert run(5) == 5
    assert run(50) == 5


def test_nothing_is_recorded_when_someone_already_holds_the_consent_or_was_erased(org):
    fine = ParticipantFactory(organisation=org, display_name="Ada")
    holding = ParticipantFactory(organisation=org, display_name="Ben")
    ConsentFactory(organisation=org, participant=holding, scope="photos", given_by="guardian")
    erased = ParticipantFactory(organisation=org)
    with org_context(org.pk):
        subject_erase(organisation=org, subject=erased, actor=None)
    before = _consents(org)

    with pytest.raises(ApplicationError) as refused:
        _record(org, [fine, holding, erased])

    message = str(refused.value.message)
    assert f"Ben ({holding.code})" in message and erased.code in message
    assert "Ada" not in message
    assert _consents(org) == before


def test_a_withdrawn_or_other_givers_consent_does_not_block_recording_it_again(org):
    withdrawn = ParticipantFactory(organisation=org)
    ConsentFactory(
        organisation=org,
        participant=withdrawn,
        scope="photos",
        given_by="guardian",
        withdrawn_at=datetime(2026, 11, 1, tzinfo=UTC),
    )
    own = ParticipantFactory(organisation=org)
    ConsentFactory(organisation=org, participant=own, scope="photos", given_by="self")

    assert len(_record(org, [withdrawn, own])) == 2


def test_another_organisations_person_or_a_bad_consent_records_nothing(org, other_org):
    mine = ParticipantFactory(organisation=org)
    theirs = ParticipantFactory(organisation=other_org)

    for people, overrides in (
        ([mine, theirs], {}),
        ([], {}),
        ([mine], {"given_on": TODAY + timedelta(days=1)}),
        ([mine], {"scope": "religion"}),
    ):
        with pytest.raises(ApplicationError):
            _record(org, people, **overrides)
    assert _consents(org) == [] and _consents(other_org) == []


def test_at_most_the_bulk_limit_is_taken_at_once(org):
    with pytest.raises(ApplicationError, match=str(BULK_MAX)), org_context(org.pk):
        consent_record_many(
            organisation=org,
            participant_ids=range(1, BULK_MAX + 2),
            scope="photos",
            given_by="self",
            given_on=TODAY,
        )


# -- the page ----------------------------------------------------------------------------------


def _bulk_url(org: Any, query: str = "") -> str:
    return reverse("participant_bulk", args=[org.slug]) + (f"?{query}" if query else "")


def test_the_list_has_a_labelled_checkbox_per_person_in_a_form_that_needs_no_script(
    org, member_client
):
    client = member_client(org, Role.COORDINATOR)
    person = ParticipantFactory(organisation=org, display_name="Ada")

    page = client.get(reverse("participant_list", args=[org.slug]), {"q": "Ad"}).content.decode()

    assert f'action="{_bulk_url(org, "q=Ad")}"' in page
    assert f'name="participants" value="{person.pk}" id="pick-{person.pk}"' in page
    assert f'<label class="visually-hidden" for="pick-{person.pk}">' in page
    assert 'name="action" value="consent"' in page and 'name="action" value="export"' in page


def test_ticked_people_get_the_paper_consent_and_the_list_keeps_its_filters(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    people = ParticipantFactory.create_batch(3, organisation=org)
    ParticipantFactory(organisation=org)  # not ticked

    response = client.post(
        _bulk_url(org, "q=Young"),
        {"participants": [p.pk for p in people], "action": "consent", **PAPER},
    )

    assert response.status_code == 302
    assert response.url == reverse("participant_list", args=[org.slug]) + "?q=Young"
    assert sorted(c.participant_id for c in _consents(org)) == sorted(p.pk for p in people)
    assert len(_events(org, "consent.recorded")) == 3
    assert "recorded for 3 people" in client.get(response.url).content.decode()


def test_a_refusal_shows_the_list_again_with_the_reason_and_the_same_people_ticked(
    org, member_client
):
    client = member_client(org, Role.COORDINATOR)
    fine = ParticipantFactory(organisation=org)
    holding = ParticipantFactory(organisation=org, display_name="Ben")
    ConsentFactory(organisation=org, participant=holding, scope="photos", given_by="guardian")

    response = client.post(
        _bulk_url(org), {"participants": [fine.pk, holding.pk], "action": "consent", **PAPER}
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "Nothing was recorded" in page and f"Ben ({holding.code})" in page
    assert f'value="{fine.pk}" id="pick-{fine.pk}" checked' in page
    assert len(_consents(org)) == 1


def test_a_consent_without_its_fields_or_nobody_ticked_is_a_form_error(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    person = ParticipantFactory(organisation=org)

    no_scope = client.post(
        _bulk_url(org), {"participants": [person.pk], "action": "consent", "given_by": "self"}
    )
    nobody = client.post(_bulk_url(org), {"action": "consent", **PAPER})

    assert no_scope.status_code == 400 and nobody.status_code == 400
    assert "Choose at least one person" in nobody.content.decode()
    assert _consents(org) == []


def test_the_page_records_the_paper_consent_with_the_same_queries_for_5_and_50(org, member_client):
    client = member_client(org, Role.COORDINATOR)

    def run(total: int) -> int:
        people = ParticipantFactory.create_batch(total, organisation=org)
        body = {"participants": [p.pk for p in people], "action": "consent", **PAPER}
        count, response = count_queries(lambda: client.post(_bulk_url(org), body))
        assert response.status_code == 302
        return count

    # session, user, the member's memberships with their organisations, then the service's 5
    # (people, consents, erasure records, consents inserted, audit lines inserted), the page's
    # audit line = 9 (+2 tenant settings).
    expected = 9 + 2 * tenant_settings_queries()
    assert run(5) == expected
    assert run(50) == expected


def test_the_ticked_people_are_exported_without_contact_details_and_audited(org, member_client):
    client = member_client(org, Role.COORDINATOR)
    cohort = CohortFactory(organisation=org, name="Spring group")
    ada = ParticipantFactory(organisation=org, display_name="Ada", email="ada@example.org")
    EnrolmentFactory(organisation=org, participant=ada, cohort=cohort, stage="enrolled")
    ConsentFactory(organisation=org, participant=ada, given_by="self")
    formula = ParticipantFactory(organisation=org, display_name="=HYPERLINK(1)")
    gone = ParticipantFactory(organisation=org, display_name="Gone")
    ConsentFactory(
        organisation=org, participant=gone, withdrawn_at=datetime(2026, 11, 1, tzinfo=UTC)
    )
    ParticipantFactory(organisation=org, display_name="Not ticked")
    ticked = [ada.pk, formula.pk, gone.pk]

    response = client.post(
        _bulk_url(org), {"participants": ticked, "action": "export", "fmt": "csv"}
    )

    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Code", "Name", "Year of birth", "Cohorts", "Consent to take part"]
    by_code = {row[0]: row for row in rows[1:]}
    assert by_code[ada.code] == [ada.code, "Ada", "2005", "Spring group (Enrolled)", "complete"]
    assert by_code[formula.code][1] == "'=HYPERLINK(1)"
    assert len(rows) == 3  # Gone withdrew: left out; Not ticked: left out
    assert b"ada@example.org" not in response.content
    [event] = _events(org, "participants.exported")
    assert event.details == {"format": "csv", "rows": 2, "participants": sorted(ticked)}


def test_the_xlsx_export_of_the_ticked_people_opens_with_the_same_cells(org, member_client):
    client = member_client(org, Role.ADMIN)
    person = ParticipantFactory(organisation=org, display_name="@Ada", birth_year=None)

    response = client.post(
        _bulk_url(org), {"participants": [person.pk], "action": "export", "fmt": "xlsx"}
    )

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    # A leading @ is neutralised as in the cohort export; no year of birth is an empty cell.
    assert [c.value for c in sheet[2]] == [
        person.code,
        "'@Ada",
        None,
        None,
        "a parent's or guardian's consent, the young person's own agreement",
    ]


@pytest.mark.parametrize("role", [Role.TRAINER, Role.AMBASSADOR, Role.PARTNER])
def test_bulk_actions_are_for_staff_only(org, member_client, role):
    client = member_client(org, role)
    person = ParticipantFactory(organisation=org)

    for body in ({"action": "consent", **PAPER}, {"action": "export", "fmt": "csv"}):
        response = client.post(_bulk_url(org), {"participants": [person.pk], **body})
        assert response.status_code == 403
    assert _consents(org) == [] and _events(org, "participants.exported") == []


def test_another_organisations_people_cannot_be_ticked(org, other_org, member_client):
    client = member_client(org, Role.ADMIN)
    theirs = ParticipantFactory(organisation=other_org, display_name="Theirs")

    consent = client.post(
        _bulk_url(org), {"participants": [theirs.pk], "action": "consent", **PAPER}
    )
    export = client.post(
        _bulk_url(org), {"participants": [theirs.pk], "action": "export", "fmt": "csv"}
    )

    assert consent.status_code == 400 and export.status_code == 400
    assert b"Theirs" not in consent.content + export.content
    assert _consents(other_org) == []


# -- the API -----------------------------------------------------------------------------------


def _api(org: Any, *parts: str) -> str:
    return f"/api/v1/o/{org.slug}/" + "".join(f"{part}/" for part in parts)


def test_the_api_records_a_paper_consent_for_several_people(org, api_client):
    client = api_client(org, Role.COORDINATOR)
    people = ParticipantFactory.create_batch(3, organisation=org)

    response = client.post(
        _api(org, "consents", "bulk"), {"participants": [p.pk for p in people], **PAPER}
    )

    assert response.status_code == 201
    body = response.json()
    assert sorted(c["participant"] for c in body) == sorted(p.pk for p in people)
    assert all(c["in_force"] and c["scope"] == "photos" for c in body)
    assert len(_events(org, "consent.recorded")) == 3


def test_the_api_refuses_all_when_one_fails_and_takes_constant_queries(org, other_org, api_client):
    client = api_client(org, Role.COORDINATOR)
    url = _api(org, "consents", "bulk")
    holding = ParticipantFactory(organisation=org)
    ConsentFactory(organisation=org, participant=holding, scope="photos", given_by="guardian")
    fine = ParticipantFactory(organisation=org)
    theirs = ParticipantFactory(organisation=other_org)

    refused = client.post(url, {"participants": [fine.pk, holding.pk], **PAPER})
    foreign = client.post(url, {"participants": [fine.pk, theirs.pk], **PAPER})
    empty = client.post(url, {"participants": [], **PAPER})

    assert refused.status_code == 400 and holding.code in refused.json()["message"]
    assert foreign.status_code == 400 and empty.status_code == 400
    assert "participants" in empty.json()["errors"]
    assert len(_consents(org)) == 1 and _consents(other_org) == []

    def run(total: int) -> int:
        people = ParticipantFactory.create_batch(total, organisation=org)
        body = {"participants": [p.pk for p in people], **PAPER}
        count, response = count_queries(lambda: client.post(url, body))
        assert response.status_code == 201
        return count

    run(1)  # the first success also notes when the token was last used
    # the service's 5, the API's audit line = 6, plus what every token request costs
    assert run(5) == run(50) == 6 + api_request_queries()


def test_the_api_exports_the_chosen_people(org, other_org, api_client):
    client = api_client(org, Role.ADMIN)
    ada = ParticipantFactory(organisation=org, display_name="Ada")
    ParticipantFactory(organisation=org, display_name="Other")
    theirs = ParticipantFactory(organisation=other_org)
    url = _api(org, "participants", "export")

    csv_file = client.post(url, {"participants": [ada.pk], "format": "csv"})
    xlsx_file = client.post(url, {"participants": [ada.pk], "format": "xlsx"})
    foreign = client.post(url, {"participants": [ada.pk, theirs.pk], "format": "csv"})

    assert csv_file.status_code == 200 and csv_file["Content-Type"].startswith("text/csv")
    text = csv_file.content.decode("utf-8-sig")
    assert "Ada" in text and "Other" not in text
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_file.content)).active
    assert sheet["B2"].value == "Ada"
    assert foreign.status_code == 400
    assert len(_events(org, "participants.exported")) == 2


@pytest.mark.parametrize("role", [Role.TRAINER, Role.AMBASSADOR, Role.PARTNER])
def test_the_bulk_api_is_for_staff_only(org, api_client, role):
    client = api_client(org, role)
    person = ParticipantFactory(organisation=org)

    consent = client.post(_api(org, "consents", "bulk"), {"participants": [person.pk], **PAPER})
    export = client.post(
        _api(org, "participants", "export"), {"participants": [person.pk], "format": "csv"}
    )

    assert consent.status_code == 403 and export.status_code == 403
    assert _consents(org) == []


# -- the demo ----------------------------------------------------------------------------------


def test_the_demo_shows_photo_consents_recorded_on_paper_for_several_people():
    from django.core.management import call_command

    from cocora.organisations.models import Organisation

    call_command("seed_demo", "--force", stdout=io.StringIO())
    for slug in ("nordby", "suedstadt"):
        org = Organisation.objects.get(slug=slug)
        # Other demo stories record a photo consent too (a guardian who later withdrew it).
        assert len(_consents(org, scope="photos")) >= 6
        bulk = [e for e in _events(org, "consent.recorded") if e.details.get("bulk")]
        assert len(bulk) == 6
