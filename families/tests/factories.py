"""Factories of the families app; children take their organisation from their parent."""

from datetime import timedelta

import factory
from django.utils import timezone

from cocora.organisations.tests.factories import OrganisationFactory, OrgScopedFactory
from families.links import link_secret, new_nonce, secret_hash
from families.models import FamilyActivity, GuardianInvitation, GuardianLink
from programmes.tests.factories import CohortFactory, ParticipantFactory


class FamilyActivityFactory(OrgScopedFactory):
    class Meta:
        model = FamilyActivity

    cohort = factory.SubFactory(CohortFactory, organisation=factory.SelfAttribute("..organisation"))
    organisation = factory.SubFactory(OrganisationFactory)
    kind = "parents_evening"
    title = factory.Sequence(lambda n: f"Parents' evening {n}")
    starts_at = factory.LazyFunction(
        lambda: timezone.now().replace(microsecond=0) + timedelta(days=7)
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))


class GuardianInvitationFactory(OrgScopedFactory):
    class Meta:
        model = GuardianInvitation

    activity = factory.SubFactory(
        FamilyActivityFactory, organisation=factory.SelfAttribute("..organisation")
    )
    participant = factory.SubFactory(
        ParticipantFactory, organisation=factory.SelfAttribute("..organisation")
    )
    organisation = factory.SubFactory(OrganisationFactory)
    invited_at = factory.LazyFunction(timezone.now)


class GuardianLinkFactory(OrgScopedFactory):
    class Meta:
        model = GuardianLink

    participant = factory.SubFactory(
        ParticipantFactory, organisation=factory.SelfAttribute("..organisation")
    )
    organisation = factory.SubFactory(OrganisationFactory)
    nonce = factory.LazyFunction(new_nonce)
    token_hash = factory.LazyAttribute(lambda o: secret_hash(link_secret(o.nonce)))
    created_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyAttribute(lambda o: o.created_at + timedelta(days=90))
