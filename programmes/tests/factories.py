"""Factories of the programmes app. Children take their organisation from their parent (a module
from its programme, a session from its cohort), so that no fixture straddles two tenants."""

from datetime import timedelta

import factory
from django.utils import timezone

from cocora.organisations.tests.factories import OrganisationFactory, OrgScopedFactory
from programmes.models import (
    Activity,
    Attendance,
    Cohort,
    CohortTrainer,
    Consent,
    Enrolment,
    HandbookExport,
    Module,
    Participant,
    Programme,
    Session,
    SessionLog,
)


class ProgrammeFactory(OrgScopedFactory):
    class Meta:
        model = Programme

    organisation = factory.SubFactory(OrganisationFactory)
    kind = "prevention"
    title = factory.Sequence(lambda n: f"Programme {n}")
    language = "en"


class ModuleFactory(OrgScopedFactory):
    class Meta:
        model = Module

    programme = factory.SubFactory(
        ProgrammeFactory, organisation=factory.SelfAttribute("..organisation")
    )
    organisation = factory.SubFactory(OrganisationFactory)
    position = factory.Sequence(lambda n: n)
    title = factory.Sequence(lambda n: f"Module {n}")
    content_md = "Some **content**."


class ActivityFactory(OrgScopedFactory):
    class Meta:
        model = Activity

    module = factory.SubFactory(ModuleFactory, organisation=factory.SelfAttribute("..organisation"))
    organisation = factory.SubFactory(OrganisationFactory)
    position = factory.Sequence(lambda n: n)
    title = factory.Sequence(lambda n: f"Activity {n}")
    method = "discussion"


class CohortFactory(OrgScopedFactory):
    class Meta:
        model = Cohort

    programme = factory.SubFactory(
        ProgrammeFactory, organisation=factory.SelfAttribute("..organisation")
    )
    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Cohort {n}")
    starts_on = factory.LazyFunction(lambda: timezone.localdate())
    capacity = 15


class CohortTrainerFactory(OrgScopedFactory):
    class Meta:
        model = CohortTrainer

    cohort = factory.SubFactory(CohortFactory, organisation=factory.SelfAttribute("..organisation"))
    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory("cocora.organisations.tests.factories.UserFactory")


class ParticipantFactory(OrgScopedFactory):
    class Meta:
        model = Participant

    organisation = factory.SubFactory(OrganisationFactory)
    display_name = factory.Sequence(lambda n: f"Young person {n}")
    code = factory.Sequence(lambda n: f"P-T{n:05d}")
    birth_year = 2005


class ConsentFactory(OrgScopedFactory):
    class Meta:
        model = Consent

    participant = factory.SubFactory(
        ParticipantFactory, organisation=factory.SelfAttribute("..organisation")
    )
    organisation = factory.SubFactory(OrganisationFactory)
    scope = "participation"
    given_by = "self"
    given_on = factory.LazyFunction(lambda: timezone.localdate())


class EnrolmentFactory(OrgScopedFactory):
    class Meta:
        model = Enrolment

    cohort = factory.SubFactory(CohortFactory, organisation=factory.SelfAttribute("..organisation"))
    participant = factory.SubFactory(
        ParticipantFactory, organisation=factory.SelfAttribute("..organisation")
    )
    organisation = factory.SubFactory(OrganisationFactory)
    stage = "active"
    joined_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=60))


class SessionFactory(OrgScopedFactory):
    class Meta:
        model = Session

    cohort = factory.SubFactory(CohortFactory, organisation=factory.SelfAttribute("..organisation"))
    organisation = factory.SubFactory(OrganisationFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now().replace(microsecond=0))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    status = "scheduled"


class AttendanceFactory(OrgScopedFactory):
    class Meta:
        model = Attendance

    session = factory.SubFactory(
        SessionFactory, organisation=factory.SelfAttribute("..organisation")
    )
    enrolment = factory.SubFactory(
        EnrolmentFactory,
        organisation=factory.SelfAttribute("..organisation"),
        cohort=factory.SelfAttribute("..session.cohort"),
    )
    organisation = factory.SubFactory(OrganisationFactory)
    status = "present"


class SessionLogFactory(OrgScopedFactory):
    class Meta:
        model = SessionLog

    session = factory.SubFactory(
        SessionFactory, organisation=factory.SelfAttribute("..organisation")
    )
    organisation = factory.SubFactory(OrganisationFactory)
    summary = "We talked about rights."


class HandbookExportFactory(OrgScopedFactory):
    class Meta:
        model = HandbookExport

    programme = factory.SubFactory(
        ProgrammeFactory, organisation=factory.SelfAttribute("..organisation")
    )
    organisation = factory.SubFactory(OrganisationFactory)
    language = "en"
    status = "failed"
    error = "A test failure."
    content_hash = factory.Sequence(lambda n: f"{n:064x}")
