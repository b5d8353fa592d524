"""Factories of the training app. Children take their organisation from their parent."""

from datetime import date

import factory

from cocora.organisations.models import Role
from cocora.organisations.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    OrgScopedFactory,
)
from training.models import Course, TrainingRecord


class CourseFactory(OrgScopedFactory):
    class Meta:
        model = Course

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Course {n}")
    hours = 12
    roles = factory.LazyFunction(lambda: ["trainer", "ambassador"])
    programme_kinds = factory.LazyFunction(lambda: ["prevention"])
    refresher_months = 6
    required_for_trainers = False


class TrainingRecordFactory(OrgScopedFactory):
    class Meta:
        model = TrainingRecord

    organisation = factory.SubFactory(OrganisationFactory)
    course = factory.SubFactory(CourseFactory, organisation=factory.SelfAttribute("..organisation"))
    membership = factory.SubFactory(
        MembershipFactory, organisation=factory.SelfAttribute("..organisation"), role=Role.TRAINER
    )
    completed_on = date(2026, 3, 1)
    hours = 12
