"""Partners' names and texts are refused with a message when they hold a direction override or
are too long, on the pages and in the API, and nothing is saved (see cocora/core/text.py)."""

import pytest
from django.urls import reverse

from cocora.organisations.context import org_context
from cocora.organisations.models import Role
from partners.models import PartnerOrganisation

pytestmark = pytest.mark.django_db

RIGHT_TO_LEFT_OVERRIDE = "\u202e"
BOOK = "w" * 100_000


def test_a_partner_name_with_a_direction_override_is_refused_in_the_api(org, api_client):
    response = api_client(org, Role.COORDINATOR).post(
        reverse("api-partner-list", kwargs={"org_slug": org.slug}),
        {"name": f"Youth{RIGHT_TO_LEFT_OVERRIDE}club", "kind": "association"},
        format="json",
    )

    assert response.status_code == 400
    assert "U+202E" in response.json()["errors"]["name"][0]
    with org_context(org.pk):
        assert not PartnerOrganisation.objects.for_org(org).exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"address": BOOK}, "Address: This is 100,000 characters long; at most 2,000 fit here."),
        ({"name": f"Youth{RIGHT_TO_LEFT_OVERRIDE}club"}, "(U+202E)"),
    ],
    ids=["address", "name"],
)
def test_a_partner_page_refuses_a_long_address_and_a_name_with_a_direction_override(
    org, member_client, change, message
):
    form = {"name": "Youth club", "kind": "association", "status": "active"} | change
    response = member_client(org, Role.COORDINATOR).post(
        reverse("partner_create", args=[org.slug]), form
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    with org_context(org.pk):
        assert not PartnerOrganisation.objects.for_org(org).exists()
