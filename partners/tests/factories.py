"""Factories of the partners app. Children take their organisation from their parent (a contact
from its partner, a disclosure from its participant and partner), so that no fixture straddles
two tenants."""

from datetime import timedelta

import factory
from django.utils import timezone

from cocora.organisations.tests.factories import OrganisationFactory, OrgScopedFactory
from partners.models import (
    Agreement,
    CollaborationActivity,
    CollaborationPartner,
    Disclosure,
    FollowUp,
    IntegrityCheck,
    PartnerContact,
    PartnerOrganisation,
    Proposal,
    ProposalComment,
    SharingConsent,
    SharingRule,
)
from programmes.tests.factories import ParticipantFactory


class PartnerOrganisationFactory(OrgScopedFactory):
    class Meta:
        model = PartnerOrganisation

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Partner {n}")
    kind = "association"
    status = "active"


class PartnerContactFactory(OrgScopedFactory):
    class Meta:
        model = PartnerContact

    partner = factory.SubFactory(
        PartnerOrganisationFactory, organisation=factory.SelfAttribute("..organisation")
    )
    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Contact {n}")
    role = "Chair"


class AgreementFactory(OrgScopedFactory):
    class Meta:
        model = Agreement

    partner = factory.SubFactory(
        PartnerOrganisationFactory, organisation=factory.SelfAttribute("..organisation")
    )
    organisation = factory.SubFactory(OrganisationFactory)
    purpose = "Joint dialogue meetings in the neighbourhood."
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))


class SharingRuleFactory(OrgScopedFactory):
    class Meta:
        model = SharingRule

    agreement = factory.SubFactory(
        AgreementFactory, organisation=factory.SelfAttribute("..organisation")
    )
    organisation = factory.SubFactory(OrganisationFactory)
    information_class = "participant_names"
    level = "consent"


class IntegrityCheckFactory(OrgScopedFactory):
    class Meta:
        model = IntegrityCheck

    partner = factory.SubFactory(
        PartnerOrganisationFactory, organisation=factory.SelfAttribute("..organisation")
    )
    organisation = factory.SubFactory(OrganisationFactory)
    checked_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=10))
    outcome = "passed"
    next_review_on = factory.LazyAttribute(lambda o: o.checked_on + timedelta(days=365))


class SharingConsentFactory(OrgScopedFactory):
    class Meta:
        model = SharingConsent

    participant = factory.SubFactory(
        ParticipantFactory, organisation=factory.SelfAttribute("..organisation")
    )
    organisation = factory.SubFactory(OrganisationFactory)
    partner = None
    given_by = "self"
    given_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=1))


class DisclosureFactory(OrgScopedFactory):
    class Meta:
        model = Disclosure

    partner = factory.SubFactory(
        PartnerOrganisationFactory, organisation=factory.SelfAttribute("..organisation")
    )
    participant = factory.SubFactory(
        ParticipantFactory, organisation=factory.SelfAttribute("..organisation")
    )
    organisation = factory.SubFactory(OrganisationFactory)
    information_class = "participant_names"
    purpose = "Planning the joint event."
    basis = "consent"


class CollaborationActivityFactory(OrgScopedFactory):
    class Meta:
        model = CollaborationActivity

    organisation = factory.SubFactory(OrganisationFactory)
    kind = "dialogue"
    title = factory.Sequence(lambda n: f"Dialogue meeting {n}")
    held_at = factory.LazyFunction(lambda: timezone.now().replace(microsecond=0))
    community_members = 12
    professionals = 3


class CollaborationPartnerFactory(OrgScopedFactory):
    class Meta:
        model = CollaborationPartner

    activity = factory.SubFactory(
        CollaborationActivityFactory, organisation=factory.SelfAttribute("..organisation")
    )
    partner = factory.SubFactory(
        PartnerOrganisationFactory, organisation=factory.SelfAttribute("..organisation")
    )
    organisation = factory.SubFactory(OrganisationFactory)


class FollowUpFactory(OrgScopedFactory):
    class Meta:
        model = FollowUp

    activity = factory.SubFactory(
        CollaborationActivityFactory, organisation=factory.SelfAttribute("..organisation")
    )
    organisation = factory.SubFactory(OrganisationFactory)
    description = "Send the minutes to everyone."
    owner_partner = factory.SubFactory(
        PartnerOrganisationFactory, organisation=factory.SelfAttribute("..organisation")
    )
    due_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=14))


class ProposalFactory(OrgScopedFactory):
    """A partner's proposal of a dialogue meeting, waiting for a decision."""

    class Meta:
        model = Proposal

    partner = factory.SubFactory(
        PartnerOrganisationFactory, organisation=factory.SelfAttribute("..organisation")
    )
    organisation = factory.SubFactory(OrganisationFactory)
    kind = "activity"
    title = factory.Sequence(lambda n: f"Dialogue evening {n}")
    collaboration_kind = "dialogue"
    held_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=20))
    place = "Community house"


class ProposalCommentFactory(OrgScopedFactory):
    class Meta:
        model = ProposalComment

    proposal = factory.SubFactory(
        ProposalFactory, organisation=factory.SelfAttribute("..organisation")
    )
    organisation = factory.SubFactory(OrganisationFactory)
    from_partner = True
    text = "Could we hold it on a Friday?"
