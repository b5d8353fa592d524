"""Factories of the impact app. Children take their organisation from their parent."""

from datetime import date

import factory

from cocora.organisations.tests.factories import OrganisationFactory, OrgScopedFactory
from impact.models import FunderReport, Indicator, Objective
from programmes.tests.factories import ProgrammeFactory


class ObjectiveFactory(OrgScopedFactory):
    class Meta:
        model = Objective

    programme = factory.SubFactory(
        ProgrammeFactory, organisation=factory.SelfAttribute("..organisation")
    )
    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Objective {n}")


class IndicatorFactory(OrgScopedFactory):
    class Meta:
        model = Indicator

    objective = factory.SubFactory(
        ObjectiveFactory, organisation=factory.SelfAttribute("..organisation")
    )
    organisation = factory.SubFactory(OrganisationFactory)
    kind = "output"
    metric = "sessions_held"
    target = 10
    direction = "at_least"
    period_start = date(2026, 1, 1)
    period_end = date(2026, 12, 31)


class FunderReportFactory(OrgScopedFactory):
    class Meta:
        model = FunderReport

    programme = factory.SubFactory(
        ProgrammeFactory, organisation=factory.SelfAttribute("..organisation")
    )
    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Report {n}")
    period_start = date(2026, 1, 1)
    period_end = date(2026, 12, 31)
