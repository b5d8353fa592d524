"""The programmes' reminder rules with a frozen clock, on a real SMTP server: who gets what and
when, in which language and time zone, once; consent withdrawal and unsubscribing stop the next
run's emails."""

from collections.abc import Iterator
from datetime import datetime, timedelta
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils.translation import override

from cocora.notifications.models import Delivery, DeliveryStatus
from cocora.notifications.services import (
    deliveries_plan,
    deliveries_send_now,
    unsubscribe_token,
)
from cocora.notifications.tests.sink import SmtpSink
from cocora.organisations.context import org_context
from cocora.organisations.models import Organisation, Role
from cocora.organisations.tests.factories import MembershipFactory, OrganisationFactory
from programmes.models import Consent
from programmes.services.consent import consent_withdraw
from programmes.tests.factories import (
    CohortFactory,
    CohortTrainerFactory,
    ConsentFactory,
    EnrolmentFactory,
    ModuleFactory,
    ParticipantFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db

CPH = ZoneInfo("Europe/Copenhagen")
# A Monday morning in Copenhagen.
NOW = datetime(2025, 3, 3, 9, 0, tzinfo=CPH)


@pytest.fixture
def sink(settings: Any) -> Iterator[SmtpSink]:
    with SmtpSink() as running:
        running.point(settings)
        yield running


def run(org: Organisation) -> Any:
    """One planning run and the sending of everything due, as the tasks would do it."""
    return deliveries_send_now(organisation=org)


def person(org: Organisation, cohort: Any, **fields: Any) -> Any:
    participant = ParticipantFactory(organisation=org, **fields)
    ConsentFactory(
        organisation=org, participant=participant, given_on=NOW.date() - timedelta(days=9)
    )
    ConsentFactory(
        organisation=org,
        participant=participant,
        scope="contact",
        given_on=NOW.date() - timedelta(days=9),
        given_by="guardian" if fields.get("birth_year", 2000) > 2010 else "self",
    )
    EnrolmentFactory(organisation=org, cohort=cohort, participant=participant)
    return participant


def body(message: Any, kind: str = "text/plain") -> str:
    part = next(p for p in message.walk() if p.get_content_type() == kind)
    return str(part.get_payload(decode=True).decode())


@pytest.fixture
def scene() -> dict[str, Any]:
    with time_machine.travel(NOW, tick=False):
        org = OrganisationFactory(language="da", time_zone="Europe/Copenhagen")
        cohort = CohortFactory(organisation=org, name="Spring group", venue="Youth house")
        module = ModuleFactory(organisation=org, programme=cohort.programme, title="Democracy")
        tomorrow = SessionFactory(
            organisation=org,
            cohort=cohort,
            module=module,
            starts_at=datetime(2025, 3, 4, 16, 0, tzinfo=CPH),
        )
        later = SessionFactory(
            organisation=org, cohort=cohort, starts_at=datetime(2025, 3, 11, 16, 0, tzinfo=CPH)
        )
        trainer = CohortTrainerFactory(organisation=org, cohort=cohort)
        MembershipFactory(organisation=org, user=trainer.user, role=Role.TRAINER)
        adult = person(org, cohort, email="adult@example.org", preferred_language="en")
        minor = person(
            org,
            cohort,
            email="minor@example.org",
            birth_year=2012,
            guardian_email="mum@example.org",
        )
        no_email = person(org, cohort)
    return locals()


def test_session_reminders_go_to_trainers_participants_and_guardians_once(
    scene: dict[str, Any], sink: SmtpSink
) -> None:
    with time_machine.travel(NOW + timedelta(hours=7, minutes=15), tick=False):
        first = run(scene["org"])
        second = run(scene["org"])  # the same rule again: nothing new

    to = sorted(str(m["To"]) for m in sink.handler.messages)
    assert to == [
        "adult@example.org",
        "minor@example.org",
        "mum@example.org",
        scene["trainer"].user.email,
    ]
    assert (first.sent, second.claimed) == (4, 0)
    by_to = {str(m["To"]): m for m in sink.handler.messages}
    # The adult asked for English; the others get the organisation's language (Danish), and
    # the time is the organisation's wall-clock time.
    assert "16:00" in body(by_to["adult@example.org"])
    assert "Youth house" in body(by_to["adult@example.org"])
    assert "Democracy" in body(by_to[scene["trainer"].user.email])
    assert f"/o/{scene['org'].slug}/sessions/{scene['tomorrow'].pk}/" in body(
        by_to[scene["trainer"].user.email], "text/html"
    )
    assert "marts" in body(by_to["mum@example.org"])  # Danish month name


def test_nothing_is_sent_more_than_24_hours_before(scene: dict[str, Any], sink: SmtpSink) -> None:
    with time_machine.travel(NOW, tick=False):  # the session is 31 hours away
        run(scene["org"])
    assert sink.count == 0


def test_a_withdrawn_consent_stops_the_next_run_and_a_planned_email(
    scene: dict[str, Any], sink: SmtpSink
) -> None:
    org = scene["org"]
    with time_machine.travel(NOW + timedelta(hours=7, minutes=15), tick=False):
        with org_context(org.pk):
            deliveries_plan(organisation=org)  # planned, not sent yet
            consent = Consent.objects.for_org(org).get(participant=scene["adult"], scope="contact")
            consent_withdraw(organisation=org, consent=consent)
        run(org)
    # The week after, another session: the adult is left out when planning too.
    with time_machine.travel(NOW + timedelta(days=7, hours=7), tick=False):
        run(org)

    assert "adult@example.org" not in {str(m["To"]) for m in sink.handler.messages}
    with org_context(org.pk):
        skipped = Delivery.objects.for_org(org).get(recipient_participant_id=scene["adult"].pk)
    assert skipped.status == DeliveryStatus.SKIPPED
    assert sink.count == 6  # minor, guardian and trainer, twice


def test_unsubscribing_stops_the_next_runs_reminders_of_that_kind(
    scene: dict[str, Any], sink: SmtpSink, client: Any
) -> None:
    org = scene["org"]
    with time_machine.travel(NOW + timedelta(hours=7, minutes=15), tick=False):
        run(org)
    with org_context(org.pk):
        delivery = Delivery.objects.for_org(org).get(
            recipient_participant_id=scene["minor"].pk, recipient_kind="guardian"
        )

    response = client.post(reverse("unsubscribe", kwargs={"token": unsubscribe_token(delivery)}))
    assert response.status_code == 200
    with time_machine.travel(NOW + timedelta(days=7, hours=7), tick=False):
        run(org)

    to = [str(m["To"]) for m in sink.handler.messages]
    assert to.count("mum@example.org") == 1
    assert to.count("minor@example.org") == 2  # the same address kind for someone else: still sent


def test_the_coordinator_digest_comes_on_monday_morning_once_a_week(
    scene: dict[str, Any], sink: SmtpSink
) -> None:
    org, cohort = scene["org"], scene["cohort"]
    coordinator = MembershipFactory(organisation=org, role=Role.COORDINATOR)
    with org_context(org.pk):
        cohort.coordinator = coordinator.user
        cohort.save(update_fields=["coordinator"])

    with time_machine.travel(datetime(2025, 3, 3, 6, 30, tzinfo=CPH), tick=False):
        run(org)  # before 07:00: nothing yet
    assert coordinator.user.email not in {str(m["To"]) for m in sink.handler.messages}
    for hour in (7, 8, 15):
        with time_machine.travel(datetime(2025, 3, 3, hour, 5, tzinfo=CPH), tick=False):
            run(org)

    digests = [m for m in sink.handler.messages if str(m["To"]) == coordinator.user.email]
    assert len(digests) == 1
    text = body(digests[0])
    assert "Spring group" in text and "Democracy" in text


def test_the_send_reminders_command_sends_the_next_days_reminders_once(
    scene: dict[str, Any], sink: SmtpSink
) -> None:
    out = StringIO()
    with time_machine.travel(NOW + timedelta(hours=7, minutes=15), tick=False):
        call_command("send_reminders", "--now", stdout=out)
        call_command("send_reminders", "--now", stdout=out)  # the delivery rows stop a repeat
    assert sink.count == 4
    lines = out.getvalue().splitlines()
    via = f"through SMTP at 127.0.0.1:{sink.port}."
    assert (
        lines[1]
        == f"Reminders: 4 sent, 0 skipped, 0 failed, 0 put back, in 1 organisation(s), {via}"
    )
    assert lines[3].startswith("Reminders: 0 sent, 0 skipped")


def test_send_reminders_can_run_as_if_it_were_another_time_and_prints_to_the_console(
    scene: dict[str, Any], settings: Any, capsys: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    with time_machine.travel(NOW, tick=False):  # 31 hours before the session: nothing due yet
        call_command("send_reminders", "--now")
        assert "Reminders: 0 sent" in capsys.readouterr().out
        # The day before, in the organisation's local time.
        call_command("send_reminders", "--now", "2025-03-04T08:00")
    printed = capsys.readouterr().out
    assert printed.count("Subject: ") == 4 and "mum@example.org" in printed
    assert (
        "Reminders: 4 sent, 0 skipped, 0 failed, 0 put back, in 1 organisation(s), through console."
        in printed
    )
    with pytest.raises(CommandError, match="not a date and time"):
        call_command("send_reminders", "--now", "tomorrow")


def test_a_trainer_who_saved_a_language_gets_reminders_in_it(
    scene: dict[str, Any], sink: SmtpSink
) -> None:
    trainer = scene["trainer"].user
    trainer.language = "de"
    trainer.save(update_fields=["language"])

    with time_machine.travel(NOW + timedelta(hours=7, minutes=15), tick=False):
        run(scene["org"])

    by_to = {str(m["To"]): m for m in sink.handler.messages}
    assert "März" in body(by_to[trainer.email])  # German, not the organisation's Danish
    assert "marts" in body(by_to["mum@example.org"])


def test_the_digest_counts_one_person_in_the_singular(scene: dict[str, Any]) -> None:
    from programmes.reminders import compose_coordinator_digest

    org = scene["org"]
    delivery = Delivery(
        organisation=org,
        language="en",
        context={
            "week": NOW.isoformat(),
            "sessions": [],
            "concerns": [{"cohort": "Spring group", "count": 1, "url": "https://x.example/c/"}],
        },
    )
    with override("en"):
        content = compose_coordinator_digest(organisation=org, delivery=delivery)

    items = [item for section in content.sections for item in section.items]
    assert any("1 person missed 3 or more sessions" in str(item) for item in items)
