"""Factories of the evaluation app. Children take their organisation from their parent."""

import factory
from django.utils import timezone

from cocora.organisations.context import org_context
from cocora.organisations.tests.factories import OrganisationFactory, OrgScopedFactory
from evaluation.models import SurveyLink, Wave
from evaluation.pairing import link_secret, new_nonce, secret_hash
from evaluation.services.instruments import instrument_ensure
from programmes.tests.factories import CohortFactory, EnrolmentFactory


def instrument_for(organisation, kind="prevention"):  # type: ignore[no-untyped-def]
    with org_context(organisation.pk):
        return instrument_ensure(organisation=organisation, kind=kind)


class WaveFactory(OrgScopedFactory):
    class Meta:
        model = Wave

    organisation = factory.SubFactory(OrganisationFactory)
    cohort = factory.SubFactory(
        CohortFactory,
        organisation=factory.SelfAttribute("..organisation"),
        programme__kind="prevention",
    )
    instrument = factory.LazyAttribute(lambda o: instrument_for(o.organisation))
    kind = "baseline"
    opened_at = factory.LazyFunction(timezone.now)


class SurveyLinkFactory(OrgScopedFactory):
    class Meta:
        model = SurveyLink

    organisation = factory.SubFactory(OrganisationFactory)
    wave = factory.SubFactory(WaveFactory, organisation=factory.SelfAttribute("..organisation"))
    enrolment = factory.SubFactory(
        EnrolmentFactory,
        organisation=factory.SelfAttribute("..organisation"),
        cohort=factory.SelfAttribute("..wave.cohort"),
    )
    nonce = factory.LazyFunction(new_nonce)
    token_hash = factory.LazyAttribute(lambda o: secret_hash(link_secret(o.nonce)))
