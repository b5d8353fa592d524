"""Building blocks for the evaluation tests: people with evaluation consent, rounds opened the
way a coordinator opens them, and answers sent the way a young person sends them."""

from typing import Any

from django.utils import timezone

from cocora.organisations.context import org_context
from evaluation.models import Item, SurveyLink, Wave
from evaluation.services.responses import response_submit
from evaluation.services.waves import wave_open
from programmes.tests.factories import (
    CohortFactory,
    ConsentFactory,
    EnrolmentFactory,
    ParticipantFactory,
)

ADULT_BIRTH_YEAR = 1990


def prevention_cohort(org: Any) -> Any:
    return CohortFactory(organisation=org, programme__kind="prevention")


def person(
    org: Any,
    cohort: Any,
    *,
    name: str = "Sam",
    birth_year: int | None = ADULT_BIRTH_YEAR,
    consent_by: tuple[str, ...] = ("self",),
) -> Any:
    """An enrolment in the cohort, with evaluation consent from each of `consent_by`."""
    participant = ParticipantFactory(organisation=org, display_name=name, birth_year=birth_year)
    for given_by in consent_by:
        ConsentFactory(
            organisation=org,
            participant=participant,
            scope="evaluation",
            given_by=given_by,
            given_on=timezone.localdate(),
        )
    return EnrolmentFactory(organisation=org, cohort=cohort, participant=participant)


def open_round(org: Any, cohort: Any, kind: str) -> Wave:
    with org_context(org.pk):
        return wave_open(organisation=org, cohort=cohort, kind=kind)


def link_of(org: Any, wave: Wave, enrolment: Any) -> SurveyLink:
    with org_context(org.pk):
        return SurveyLink.objects.for_org(org).get(wave=wave, enrolment=enrolment)


def send(org: Any, wave: Wave, enrolment: Any, answers: dict[str, Any]) -> None:
    """Sends `answers` ({item key: value or text}) through the person's link."""
    with org_context(org.pk):
        items = {
            item.key: item.pk
            for item in Item.objects.for_org(org).filter(instrument_id=wave.instrument_id)
        }
        response_submit(
            organisation=org,
            link=SurveyLink.objects.for_org(org).get(wave=wave, enrolment=enrolment),
            answers={items[key]: value for key, value in answers.items()},
        )
