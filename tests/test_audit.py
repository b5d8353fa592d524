"""The audit trail: sensitive reads, refusals, sign-ins, and that it cannot be rewritten."""

import json
import re
from pathlib import Path

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cocora.audit.labels import ACTION_LABELS, GROUP_LABELS
from cocora.audit.models import AuditEvent, SignInEvent
from cocora.audit.records import describe_events
from cocora.organisations.context import org_context
from cocora.organisations.models import Role
from cocora.organisations.tests.factories import MembershipFactory, UserFactory
from cocora.testing.queries import count_queries
from programmes.tests.factories import (
    CohortFactory,
    CohortTrainerFactory,
    ConsentFactory,
    ParticipantFactory,
    SessionFactory,
    SessionLogFactory,
)

pytestmark = pytest.mark.django_db


def _events(org, action):
    with org_context(org.pk):
        return list(AuditEvent.objects.for_org(org).filter(action=action).select_related("actor"))


def test_viewing_a_participant_is_recorded_and_shown_to_coordinators(org, member_client):
    coordinator = member_client(org, Role.COORDINATOR)
    participant = ParticipantFactory(organisation=org)
    url = reverse("participant_detail", args=[org.slug, participant.pk])

    page = coordinator.get(url)

    (event,) = _events(org, "participant.viewed")
    assert event.actor == coordinator.membership.user
    assert event.target_id == str(participant.pk)
    assert b"Who has seen or changed this record" in page.content
    assert str(coordinator.membership.user).encode() in page.content
    # Readable wording, not the recorded code (regression: the panel showed "participant.viewed").
    assert b"Participant record viewed" in page.content
    assert b"participant.viewed" not in page.content


def test_reading_a_confidential_note_is_recorded_but_reading_an_empty_log_is_not(
    org, member_client
):
    author = member_client(org, Role.TRAINER)
    session = SessionFactory(organisation=org)
    CohortTrainerFactory(organisation=org, cohort=session.cohort, user=author.membership.user)
    SessionLogFactory(
        organisation=org, session=session, author=author.membership.user, confidential_note="x"
    )
    other = SessionFactory(organisation=org, cohort=session.cohort)
    SessionLogFactory(organisation=org, session=other, author=author.membership.user)

    author.get(reverse("session_log", args=[org.slug, session.pk]))
    author.get(reverse("session_log", args=[org.slug, other.pk]))

    assert len(_events(org, "session_log.note_viewed")) == 1


def test_a_refused_page_is_recorded_for_the_members_organisation(org, member_client):
    trainer = member_client(org, Role.TRAINER)
    assert trainer.get(reverse("member_list", args=[org.slug])).status_code == 403
    (event,) = _events(org, "access.denied")
    assert event.details == {
        "status": 403,
        "method": "GET",
        "path": f"/o/{org.slug}/members/",
        "member": True,
    }


def test_sign_ins_failures_and_sign_outs_are_recorded(client, db):
    user = UserFactory(email="someone@example.org")
    client.post(reverse("account_login"), {"login": "someone@example.org", "password": "nope"})
    client.post(
        reverse("account_login"),
        {"login": "someone@example.org", "password": "a-good-test-password"},
    )
    client.post(reverse("account_logout"))
    kinds = list(SignInEvent.objects.order_by("pk").values_list("kind", "login", "user_id"))
    assert kinds == [
        ("failed", "someone@example.org", None),
        ("signed_in", "", user.pk),
        ("signed_out", "", user.pk),
    ]


def test_no_name_or_contact_ends_up_in_the_audit_trail(org, member_client):
    coordinator = member_client(org, Role.COORDINATOR)
    participant = ParticipantFactory(
        organisation=org, display_name="CanaryName", birth_year=2000, email="canary@example.org"
    )
    consent = ConsentFactory(organisation=org, participant=participant, scope="contact")
    cohort = CohortFactory(organisation=org)
    coordinator.get(reverse("participant_detail", args=[org.slug, participant.pk]))
    coordinator.post(
        reverse("consent_create", args=[org.slug, participant.pk]),
        {"scope": "participation", "given_by": "self", "given_on": "2026-01-05"},
    )
    coordinator.post(reverse("consent_withdraw", args=[org.slug, consent.pk]))
    coordinator.post(
        reverse("cohort_enrol", args=[org.slug, cohort.pk]), {"participant": [participant.pk]}
    )
    coordinator.get(
        reverse(
            "cohort_export", kwargs={"org_slug": org.slug, "cohort_id": cohort.pk, "fmt": "csv"}
        )
    )

    with org_context(org.pk):
        trail = json.dumps(list(AuditEvent.objects.for_org(org).values("action", "details")))
    assert "participant.viewed" in trail and "consent.withdrawn" in trail
    assert "CanaryName" not in trail and "canary@example.org" not in trail


def test_a_change_whose_audit_line_fails_is_not_kept(org, member_client, monkeypatch):
    """A change and its line in the audit trail are one transaction: when the line cannot be
    written, the change is undone and the person sees an error, not a change nobody can trace."""
    coordinator = member_client(org, Role.COORDINATOR)
    participant = ParticipantFactory(organisation=org)

    def fails(*args, **kwargs):
        raise DatabaseError("the audit trail could not be written")

    monkeypatch.setattr("cocora.organisations.views_base.record_write", fails)
    with pytest.raises(DatabaseError):
        coordinator.post(
            reverse("consent_create", args=[org.slug, participant.pk]),
            {"scope": "participation", "given_by": "self", "given_on": "2026-01-05"},
        )

    with org_context(org.pk):
        assert not participant.consents.exists()
    monkeypatch.undo()
    response = coordinator.post(
        reverse("consent_create", args=[org.slug, participant.pk]),
        {"scope": "participation", "given_by": "self", "given_on": "2026-01-05"},
    )
    assert response.status_code == 302
    with org_context(org.pk):
        assert participant.consents.count() == 1


def test_a_page_that_fails_while_reading_keeps_nothing_it_wrote(org, member_client, monkeypatch):
    """A reading takes no savepoint of its own (two round trips fewer a page on PostgreSQL),
    yet a page that fails half-way still leaves nothing behind: here the record that a
    participant was viewed, written before the page failed, is taken back with it."""
    coordinator = member_client(org, Role.COORDINATOR)
    participant = ParticipantFactory(organisation=org)
    url = reverse("participant_detail", args=[org.slug, participant.pk])

    def fails(*args, **kwargs):
        raise RuntimeError("the page failed after the read was recorded")

    monkeypatch.setattr("programmes.views.participants.audit_events_for", fails)
    with pytest.raises(RuntimeError):
        coordinator.get(url)
    assert _events(org, "participant.viewed") == []

    monkeypatch.undo()
    assert coordinator.get(url).status_code == 200
    assert [event.target_id for event in _events(org, "participant.viewed")] == [
        str(participant.pk)
    ]


@pytest.mark.postgres
def test_a_reading_takes_no_savepoint_of_its_own(org, member_client):
    """On PostgreSQL a page lies inside the request's transaction: a reading adds no savepoint
    to it (a change adds one, so that a refused change is taken back and its refusal kept:
    the next test)."""
    coordinator = member_client(org, Role.COORDINATOR)
    participant = ParticipantFactory(organisation=org)
    with CaptureQueriesContext(connection) as statements:
        page = coordinator.get(reverse("participant_detail", args=[org.slug, participant.pk]))
    assert page.status_code == 200
    savepoints = [s["sql"] for s in statements.captured_queries if s["sql"].startswith("SAVEPOINT")]
    # One: the request's own transaction, a savepoint inside the test's.
    assert len(savepoints) == 1


def test_a_refused_reading_is_recorded_and_a_refused_change_taken_back(org, member_client):
    """Another organisation's record asked for inside a page: 404 and a line for the admins,
    whether the page was read or posted to; the posted change is not kept."""
    coordinator = member_client(org, Role.COORDINATOR)
    other = ParticipantFactory()
    assert (
        coordinator.get(reverse("participant_detail", args=[org.slug, other.pk])).status_code == 404
    )
    response = coordinator.post(
        reverse("consent_create", args=[org.slug, other.pk]),
        {"scope": "participation", "given_by": "self", "given_on": "2026-01-05"},
    )
    assert response.status_code == 404
    refusals = [event.details for event in _events(org, "access.denied")]
    assert sorted((r["status"], r["method"], r["member"]) for r in refusals) == [
        (404, "GET", True),
        (404, "POST", True),
    ]
    with org_context(other.organisation_id):
        assert not other.consents.exists()


def test_the_audit_page_is_for_admins_and_filters(org, member_client):
    admin = member_client(org, Role.ADMIN)
    coordinator = member_client(org, Role.COORDINATOR)
    participant = ParticipantFactory(organisation=org)
    coordinator.get(reverse("participant_detail", args=[org.slug, participant.pk]))
    coordinator.get(reverse("member_list", args=[org.slug]))  # refused, and recorded

    url = reverse("audit_log", args=[org.slug])
    assert coordinator.get(url).status_code == 403
    everything = admin.get(url).content.decode()
    assert "Participant record viewed" in everything and "Access refused (403)" in everything
    assert '<option value="access">Refused access</option>' in everything
    only_access = admin.get(url, {"action": "access"}).content.decode()
    assert "Access refused" in only_access
    assert "Participant record viewed" not in only_access


def test_the_audit_page_shows_words_and_links_records_instead_of_codes(org, member_client):
    # Regression: the page showed "page.handbook_exports" and "programmes.sessionlog #9".
    admin = member_client(org, Role.ADMIN)
    participant = ParticipantFactory(organisation=org, display_name="Mira", code="P-17")
    log = SessionLogFactory(organisation=org, session__cohort__name="Spring group")
    gone = ParticipantFactory(organisation=org)
    gone_id = gone.pk
    with org_context(org.pk):
        gone.delete()
        for action, target_type, target_id in (
            ("participant.viewed", "programmes.participant", participant.pk),
            ("session_log.created", "programmes.sessionlog", log.pk),
            ("participant.updated", "programmes.participant", gone_id),
            ("page.handbook_exports", "", ""),
            ("somebody.did_something", "elsewhere.thing", "4"),
        ):
            AuditEvent.objects.create(
                organisation=org, action=action, target_type=target_type, target_id=target_id
            )

    html = admin.get(reverse("audit_log", args=[org.slug])).content.decode()

    for code in ("page.handbook_exports", "programmes.sessionlog", "session_log.created"):
        assert code not in html
    participant_url = reverse("participant_detail", args=[org.slug, participant.pk])
    assert f'Participant: <a href="{participant_url}">Mira (P-17)</a>' in html
    log_url = reverse("session_log", args=[org.slug, log.session_id])
    assert f'Session log: <a href="{log_url}">Spring group · ' in html
    assert "Session log written" in html
    assert "Change made on the page “handbook exports”" in html
    assert f"Participant: #{gone_id}, no longer held" in html
    assert "Somebody: did something" in html and "Thing: #4" in html


def test_a_record_is_linked_only_for_viewers_who_may_open_its_page(org):
    admin = MembershipFactory(organisation=org, role=Role.ADMIN, user__name="Ada Admin")
    coordinator = MembershipFactory(organisation=org, role=Role.COORDINATOR)
    with org_context(org.pk):
        event = AuditEvent.objects.create(
            organisation=org,
            action="membership.role_changed",
            target_type="organisations.membership",
            target_id=str(admin.pk),
        )
        (for_admin,) = describe_events([event], organisation=org, membership=admin)
        (for_coordinator,) = describe_events([event], organisation=org, membership=coordinator)
    assert (for_admin.what, for_admin.record_kind) == ("Role changed", "Membership")
    assert for_admin.record_label == "Ada Admin (Admin)"
    assert for_admin.record_url == reverse("member_list", args=[org.slug])
    # Coordinators may not open the members page: the record is named, not linked.
    assert for_coordinator.record_label == "Ada Admin (Admin)"
    assert for_coordinator.record_url is None


def test_every_recorded_action_has_readable_words():
    """A new action code without a label would show up as words guessed from the code."""
    root = Path(__file__).resolve().parent.parent
    codes = set()
    for folder in (
        "cocora",
        "programmes",
        "partners",
        "ambassadors",
        "evaluation",
        "impact",
        "training",
    ):
        for path in (root / folder).rglob("*.py"):
            if "tests" in path.parts:
                continue
            text = path.read_text()
            if "audit_record(" not in text and "_audit(" not in text:
                continue
            codes |= set(re.findall(r'action="([a-z_]+\.[a-z_]+)"', text))
            codes |= set(re.findall(r'RETENTION_APPLIED = "([a-z_.]+)"', text))
            if folder == "ambassadors":
                tasks = re.findall(r'_audit\(\s*organisation,\s*actor,\s*"([a-z_]+)"', text)
                codes |= {f"outreach_task.{verb}" for verb in tasks}
    assert len(codes) > 60
    assert sorted(codes - set(ACTION_LABELS)) == []
    # The audit page's filter names each kind of action too.
    assert sorted({code.split(".")[0] for code in codes} - set(GROUP_LABELS)) == []


def test_the_audit_page_query_count_is_the_same_for_5_and_50_events(org, member_client):
    admin = member_client(org, Role.ADMIN)
    url = reverse("audit_log", args=[org.slug])
    participant = ParticipantFactory(organisation=org)
    log = SessionLogFactory(organisation=org)
    targets = [
        ("participant.viewed", "programmes.participant", participant.pk),
        ("session_log.created", "programmes.sessionlog", log.pk),
        ("page.handbook_exports", "", ""),
    ]

    def measure(total):
        with org_context(org.pk):
            have = AuditEvent.objects.for_org(org).count()
            AuditEvent.objects.bulk_create(
                AuditEvent(
                    organisation=org,
                    action=targets[i % 3][0],
                    target_type=targets[i % 3][1],
                    target_id=targets[i % 3][2],
                )
                for i in range(have, total)
            )
        count, response = count_queries(lambda: admin.get(url))
        assert response.status_code == 200
        return count

    # The records are named with one query per kind of record on the page, never one per line.
    assert measure(5) == measure(50)


@pytest.mark.postgres
def test_the_application_cannot_change_or_remove_audit_lines(org):
    MembershipFactory(organisation=org)
    with org_context(org.pk):
        AuditEvent.objects.create(organisation=org, action="test.event")
    for statement in (
        "UPDATE audit_auditevent SET action = 'rewritten'",
        "DELETE FROM audit_auditevent",
        "UPDATE audit_signinevent SET login = 'x'",
    ):
        with (
            org_context(org.pk),
            pytest.raises(DatabaseError, match="permission denied"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement)
    with org_context(org.pk):
        assert AuditEvent.objects.for_org(org).filter(action="test.event").count() == 1


def test_refusals_cannot_flood_another_organisations_audit_trail(org, other_org, member_client):
    outsider = member_client(other_org, Role.PARTNER)
    for _ in range(30):
        assert outsider.get(reverse("member_list", args=[org.slug])).status_code == 404
    assert len(_events(org, "access.denied")) == 20


def test_every_change_through_a_page_leaves_a_line(org, member_client):
    coordinator = member_client(org, Role.COORDINATOR)
    session = SessionFactory(organisation=org)
    coordinator.post(
        reverse("session_status", args=[org.slug, session.pk]), {"status": "cancelled"}
    )
    (line,) = _events(org, "page.session_status")
    assert line.actor == coordinator.membership.user
    assert line.details["ids"] == {"session_id": session.pk}


def test_a_tampered_invitation_link_leaves_a_security_event(client, db):
    response = client.get(reverse("invitation_accept", kwargs={"token": "forged:token"}))
    assert response.status_code == 400
    assert SignInEvent.objects.filter(kind="invitation_refused", login="invalid").count() == 1
