"""Field encryption end to end, on the domain's sensitive fields: participants' and guardians'
contact details and the confidential note of a session log. System-wide on purpose: it spans
cocora.core (the fields, rotate_keys), programmes (the models) and row-level security."""

import logging
from io import StringIO
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core import mail
from django.core.checks import run_checks
from django.core.exceptions import FieldError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cocora.core import crypto
from cocora.core.models import EncryptionCanary
from cocora.organisations.context import org_context
from cocora.organisations.models import Organisation, Role
from cocora.organisations.tests.factories import OrganisationFactory
from programmes.forms import ParticipantForm
from programmes.models import Participant, SessionLog
from programmes.selectors.participants import contact_recipients
from programmes.tests.factories import (
    CohortTrainerFactory,
    ConsentFactory,
    EnrolmentFactory,
    ParticipantFactory,
    SessionFactory,
    SessionLogFactory,
)

pytestmark = pytest.mark.django_db

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()
KEY_C = Fernet.generate_key().decode()
CANARY_NOTE = "CANARY-7f3e: J. talked about trouble at home"
CONTACT = {
    "email": "sam@young.example",
    "phone": "+45 1111 2222",
    "guardian_name": "Lene Guardian",
    "guardian_email": "lene@family.example",
    "guardian_phone": "+45 3333 4444",
}
CONTACT_FIELDS = tuple(CONTACT)
# The columns are the constants above, never input.
PARTICIPANT_SQL = f"SELECT id, {', '.join(CONTACT_FIELDS)} FROM programmes_participant"


def _raw(sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return list(cursor.fetchall())


def _stored_participant(org: Organisation, pk: int) -> dict[str, str]:
    """The contact columns exactly as stored, read with raw SQL inside the organisation (on
    PostgreSQL row-level security shows nothing outside it)."""
    with org_context(org.pk):
        ((_, *values),) = _raw(PARTICIPANT_SQL + " WHERE id = %s", [pk])
    return dict(zip(CONTACT_FIELDS, values, strict=True))


# Storage ----------------------------------------------------------------------------------------


def test_contact_details_and_notes_round_trip_and_empty_stays_empty(org: Organisation) -> None:
    participant = ParticipantFactory(organisation=org, **CONTACT)
    blank = ParticipantFactory(organisation=org)
    log = SessionLogFactory(organisation=org, confidential_note=CANARY_NOTE)

    with org_context(org.pk):
        loaded = Participant.objects.for_org(org).get(pk=participant.pk)
        assert {name: getattr(loaded, name) for name in CONTACT_FIELDS} == CONTACT
        assert SessionLog.objects.for_org(org).get(pk=log.pk).confidential_note == CANARY_NOTE
        emails = Participant.objects.for_org(org).filter(pk=participant.pk)
        assert emails.values_list("guardian_email", flat=True).get() == CONTACT["guardian_email"]
    # An empty value is stored as it is: blank fields cost nothing, emptiness can be queried.
    assert set(_stored_participant(org, blank.pk).values()) == {""}


def test_the_stored_columns_hold_no_plaintext(org: Organisation) -> None:
    participant = ParticipantFactory(organisation=org, **CONTACT)
    log = SessionLogFactory(organisation=org, confidential_note=CANARY_NOTE)

    stored = _stored_participant(org, participant.pk)
    with org_context(org.pk):
        ((note,),) = _raw(
            "SELECT confidential_note FROM programmes_sessionlog WHERE id = %s", [log.pk]
        )

    for name, value in [*stored.items(), ("confidential_note", note)]:
        assert value.startswith("enc1:"), name
    assert "CANARY-7f3e" not in note and "trouble at home" not in note
    for name, plaintext in CONTACT.items():
        assert plaintext not in stored[name], name


def test_a_confidential_note_never_reaches_sql_logs_or_emails(
    org: Organisation, member_client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    # Regression: a note sent to the database as plaintext would be in the SQL log, and from
    # there in whatever collects the logs.
    author = member_client(org, Role.TRAINER)
    session = SessionFactory(organisation=org)
    CohortTrainerFactory(organisation=org, cohort=session.cohort, user=author.membership.user)
    url = reverse("session_log", args=[org.slug, session.pk])

    caplog.set_level(logging.DEBUG)
    # CaptureQueriesContext makes Django log every query, with its parameters, at DEBUG.
    caplog.set_level(logging.DEBUG, logger="django.db.backends")
    with CaptureQueriesContext(connection) as queries:
        response = author.post(url, {"summary": "Group work", "confidential_note": CANARY_NOTE})
        page = author.get(url)

    assert response.status_code == 302
    assert CANARY_NOTE.encode() in page.content  # its author does read it
    # The log and the captured SQL carry the parameters (the note's token), so that a plaintext
    # note would be seen here.
    assert any("enc1:" in q["sql"] for q in queries.captured_queries)
    assert "enc1:" in caplog.text
    assert [q["sql"] for q in queries.captured_queries if "CANARY-7f3e" in q["sql"]] == []
    assert "CANARY-7f3e" not in caplog.text
    assert [m for m in mail.outbox if "CANARY-7f3e" in m.subject + m.body] == []


def test_lookups_on_contact_details_raise_and_emptiness_still_works(org: Organisation) -> None:
    participants = Participant.objects.for_org(org)
    for lookup in (
        {"email": "sam@young.example"},
        {"email__iexact": "sam@young.example"},
        {"guardian_name__startswith": "L"},
        {"phone__in": ["+45 1111 2222"]},
    ):
        with pytest.raises(FieldError, match=r"encrypted field programmes\.Participant"):
            participants.filter(**lookup)
    with pytest.raises(FieldError, match=r"encrypted field programmes\.SessionLog"):
        SessionLog.objects.for_org(org).filter(confidential_note__contains="home")

    # contact_recipients() excludes people with neither email nor phone: still works.
    reachable = EnrolmentFactory(organisation=org, participant__email="sam@young.example")
    unreachable = EnrolmentFactory(organisation=org, cohort=reachable.cohort)  # no email, phone
    for enrolment in (reachable, unreachable):
        ConsentFactory(organisation=org, participant=enrolment.participant, scope="contact")
    with org_context(org.pk):
        recipients = contact_recipients(organisation=org, cohort_id=reachable.cohort_id)
    assert [p.pk for p in recipients] == [reachable.participant_id]


def test_the_participant_form_still_checks_email_addresses() -> None:
    form = ParticipantForm(
        data={"display_name": "Sam", "email": "not-an-address", "guardian_email": "nope"}
    )
    assert not form.is_valid()
    assert set(form.errors) == {"email", "guardian_email"}


# Rotation ---------------------------------------------------------------------------------------


def _populate(orgs: list[Organisation]) -> list[Any]:
    """In each organisation three participants with every contact field, one with a phone
    only, and a session log with a confidential note; encrypted with the key primary now."""
    made: list[Any] = []
    for org in orgs:
        made += [ParticipantFactory(organisation=org, **CONTACT) for _ in range(3)]
        made.append(ParticipantFactory(organisation=org, phone="+45 5555 6666"))
        made.append(SessionLogFactory(organisation=org, confidential_note=CANARY_NOTE))
    return made


def _assert_readable(made: list[Any]) -> None:
    for row in made:
        with org_context(row.organisation_id):
            loaded = type(row).objects.get(pk=row.pk)
        if isinstance(row, SessionLog):
            assert loaded.confidential_note == CANARY_NOTE
        else:
            for name in CONTACT_FIELDS:
                assert getattr(loaded, name) == getattr(row, name), name


def _stored_snapshot() -> list[Any]:
    snapshot: list[Any] = []
    for org in Organisation.objects.order_by("pk"):
        with org_context(org.pk):
            snapshot += _raw(PARTICIPANT_SQL + " ORDER BY id")
            snapshot += _raw("SELECT id, confidential_note FROM programmes_sessionlog ORDER BY id")
    return snapshot + _raw("SELECT id, value FROM core_encryptioncanary")


@pytest.mark.parametrize("size", ["0", "2001"])
def test_rotation_refuses_a_batch_size_that_postgresql_could_not_take_and_changes_nothing(
    settings: Any, size: str
) -> None:
    settings.COCORA_FIELD_KEYS = [KEY_A]
    _populate([OrganisationFactory(slug="rot-size")])
    before = _stored_snapshot()
    settings.COCORA_FIELD_KEYS = [KEY_B, KEY_A]

    with pytest.raises(CommandError, match="between 1 and 2000"):
        call_command("rotate_keys", "--batch-size", size, stdout=StringIO())

    assert _stored_snapshot() == before


def test_rotation_leaves_every_row_readable_with_the_new_key_alone(settings: Any) -> None:
    # Given rows of two organisations and the canary, all under key A
    settings.COCORA_FIELD_KEYS = [KEY_A]
    made = _populate([OrganisationFactory(slug="rot-a"), OrganisationFactory(slug="rot-b")])
    EncryptionCanary.objects.all().delete()
    run_checks(tags=["security"])

    # When B is put in front of A, and the rows are rotated in batches of two
    settings.COCORA_FIELD_KEYS = [KEY_B, KEY_A]
    out = StringIO()
    call_command("rotate_keys", "--batch-size", "2", stdout=out)
    # Each organisation: 3 participants * 5 fields + 1 phone = 16 values in 4 rows; 1 note.
    assert "programmes.Participant: 32 value(s), 32 re-encrypted in 8 row(s)" in out.getvalue()
    assert "programmes.SessionLog: 2 value(s), 2 re-encrypted in 2 row(s)" in out.getvalue()
    assert "core.EncryptionCanary: 1 value(s), 1 re-encrypted" in out.getvalue()

    # Then B alone reads every row, and the check has nothing left to report
    settings.COCORA_FIELD_KEYS = [KEY_B]
    _assert_readable(made)
    ids = {message.id for message in run_checks(tags=["security"])}
    assert not ids & {"cocora.E001", "cocora.W001"}
    call_command("rotate_keys", "--check", stdout=StringIO())
    again = StringIO()
    call_command("rotate_keys", stdout=again)
    assert "0 value(s) re-encrypted" in again.getvalue()


def test_rotation_with_a_missing_key_stops_and_changes_nothing(settings: Any) -> None:
    # Given one organisation's rows under A, another's (and the canary) under B
    settings.COCORA_FIELD_KEYS = [KEY_A]
    _populate([OrganisationFactory(slug="old-a")])
    settings.COCORA_FIELD_KEYS = [KEY_B]
    _populate([OrganisationFactory(slug="old-b")])
    EncryptionCanary.objects.all().delete()
    run_checks(tags=["security"])
    before = _stored_snapshot()

    # When C is made primary, with B but without A
    settings.COCORA_FIELD_KEYS = [KEY_C, KEY_B]
    with pytest.raises(CommandError, match="cannot be decrypted") as error:
        call_command("rotate_keys", stdout=StringIO())

    # Then rows are named by id, never by content, and not even B's rows moved to C
    assert "programmes.Participant.email id=" in str(error.value)
    assert "CANARY-7f3e" not in str(error.value) and "young.example" not in str(error.value)
    assert _stored_snapshot() == before
    with org_context(Organisation.objects.get(slug="old-a").pk):
        assert crypto.key_index(_raw(PARTICIPANT_SQL + " ORDER BY id")[0][1]) is None
