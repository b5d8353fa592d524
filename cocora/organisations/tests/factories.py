"""Factories. Children take their organisation from their parent, so that a fixture can never
straddle two tenants; creation runs inside the organisation's context, as the app does, so that
row-level security accepts it."""

from datetime import timedelta
from typing import Any

import factory
from django.utils import timezone

from cocora.accounts.models import User
from cocora.organisations.context import org_context
from cocora.organisations.models import Invitation, Membership, Organisation, Role


class OrgScopedFactory(factory.django.DjangoModelFactory):
    """Creates the row inside its organisation's context (RLS accepts only that)."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Any:
        organisation = kwargs["organisation"]
        with org_context(organisation.pk):
            return super()._create(model_class, *args, **kwargs)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")
    country = "DK"
    language = "en"
    time_zone = "Europe/Copenhagen"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.PostGenerationMethodCall("set_password", "a-good-test-password")

    @factory.post_generation
    def verified_email(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            from allauth.account.models import EmailAddress

            obj.save()
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class MembershipFactory(OrgScopedFactory):
    class Meta:
        model = Membership

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.COORDINATOR


class InvitationFactory(OrgScopedFactory):
    class Meta:
        model = Invitation

    organisation = factory.SubFactory(OrganisationFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.org")
    role = Role.TRAINER
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))
