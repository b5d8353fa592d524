"""A cohort with families, on a frozen clock, for the families tests."""

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from cocora.organisations.models import Organisation
from programmes.tests.factories import (
    CohortFactory,
    ConsentFactory,
    EnrolmentFactory,
    ParticipantFactory,
    SessionFactory,
)

CPH = ZoneInfo("Europe/Copenhagen")
# A Wednesday morning in Copenhagen.
NOW = datetime(2026, 3, 4, 9, 0, tzinfo=CPH)


def child(org: Organisation, cohort: Any, *, reachable: bool = True, **fields: Any) -> Any:
    """A 14-year-old in the cohort with a guardian's participation consent; with `reachable`, a
    guardian's email and a consent to contact."""
    fields.setdefault("birth_year", NOW.year - 14)
    if reachable:
        fields.setdefault(
            "guardian_email", f"guardian.{fields.get('display_name', 'x')}@example.org"
        )
    participant = ParticipantFactory(organisation=org, **fields)
    given_on = NOW.date() - timedelta(days=30)
    for giver in ("guardian", "self"):
        ConsentFactory(organisation=org, participant=participant, given_by=giver, given_on=given_on)
    if reachable:
        ConsentFactory(
            organisation=org,
            participant=participant,
            scope="contact",
            given_by="guardian",
            given_on=given_on,
        )
    EnrolmentFactory(organisation=org, cohort=cohort, participant=participant)
    return participant


def scene(org: Organisation) -> dict[str, Any]:
    """A cohort with a session next week, two reachable families and one without an email."""
    cohort = CohortFactory(organisation=org, name="Spring group", venue="Youth house")
    session = SessionFactory(
        organisation=org, cohort=cohort, starts_at=datetime(2026, 3, 11, 16, 30, tzinfo=CPH)
    )
    other_cohort = CohortFactory(organisation=org, name="Other group")
    SessionFactory(
        organisation=org, cohort=other_cohort, starts_at=datetime(2026, 3, 12, 10, tzinfo=CPH)
    )
    ali = child(org, cohort, display_name="Ali", preferred_language="da")
    bea = child(org, cohort, display_name="Bea")
    cem = child(org, cohort, display_name="Cem", reachable=False)
    stranger = child(org, other_cohort, display_name="Stranger")
    return locals()
