"""Factories of the ambassadors app. Children take their organisation from their parent, so that
no fixture straddles two tenants."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from ambassadors.models import (
    Ambassador,
    CheckIn,
    Debrief,
    OutreachTask,
    PeerInsight,
)
from cocora.organisations.tests.factories import OrganisationFactory, OrgScopedFactory
from programmes.tests.factories import CohortFactory, ParticipantFactory


class AmbassadorFactory(OrgScopedFactory):
    class Meta:
        model = Ambassador

    organisation = factory.SubFactory(OrganisationFactory)
    participant = factory.SubFactory(
        ParticipantFactory, organisation=factory.SelfAttribute("..organisation")
    )
    cohort = factory.SubFactory(
        CohortFactory,
        organisation=factory.SelfAttribute("..organisation"),
        programme__kind="ambassador",
    )
    status = "active"
    active_since = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=60))


class OutreachTaskFactory(OrgScopedFactory):
    class Meta:
        model = OutreachTask

    organisation = factory.SubFactory(OrganisationFactory)
    ambassador = factory.SubFactory(
        AmbassadorFactory, organisation=factory.SelfAttribute("..organisation")
    )
    kind = "peer_conversation"
    title = factory.Sequence(lambda n: f"Outreach task {n}")
    due_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=7))
    estimated_hours = Decimal("1")
    status = "assigned"


class DebriefFactory(OrgScopedFactory):
    class Meta:
        model = Debrief

    organisation = factory.SubFactory(OrganisationFactory)
    ambassador = factory.SubFactory(
        AmbassadorFactory, organisation=factory.SelfAttribute("..organisation")
    )
    due_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=7))


class CheckInFactory(OrgScopedFactory):
    class Meta:
        model = CheckIn

    organisation = factory.SubFactory(OrganisationFactory)
    ambassador = factory.SubFactory(
        AmbassadorFactory, organisation=factory.SelfAttribute("..organisation")
    )
    held_on = factory.LazyFunction(lambda: timezone.localdate())
    wellbeing = "good"
    notes = "Doing fine."


class PeerInsightFactory(OrgScopedFactory):
    class Meta:
        model = PeerInsight

    organisation = factory.SubFactory(OrganisationFactory)
    ambassador = factory.SubFactory(
        AmbassadorFactory, organisation=factory.SelfAttribute("..organisation")
    )
    theme = "leisure"
    kind = "need"
    observation = "Nowhere to meet in the evening."
