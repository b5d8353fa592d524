import factory

from cocora.organisations.tests.factories import (
    OrganisationFactory,
    OrgScopedFactory,
    UserFactory,
)

from ..models import Delivery, DeliveryStatus, Notification, NotificationKind, RecipientKind
from ..services import address_hash


class DeliveryFactory(OrgScopedFactory):
    class Meta:
        model = Delivery

    organisation = factory.SubFactory(OrganisationFactory)
    rule = "tests.reminder"
    kind = "test_reminder"
    object_type = "tests.thing"
    object_id = factory.Sequence(str)
    occasion = "2025-01-01"
    recipient_kind = RecipientKind.USER
    recipient_email = factory.Sequence(lambda n: f"recipient{n}@example.org")
    address_hash = factory.LazyAttribute(lambda o: address_hash(o.recipient_email))
    language = "en"
    context = factory.LazyFunction(dict)
    idempotency_key = factory.Sequence(lambda n: f"test-key-{n:08d}")
    status = DeliveryStatus.QUEUED


class NotificationFactory(OrgScopedFactory):
    class Meta:
        model = Notification

    organisation = factory.SubFactory(OrganisationFactory)
    recipient = factory.SubFactory(UserFactory)
    kind = NotificationKind.PROPOSAL
    context = factory.LazyFunction(lambda: {"by": "Harbour Mosque", "title": "Open day"})
    link = "/"
