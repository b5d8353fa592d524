"""What the header's search box finds in the partners app (see cocora.organisations.search)."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy

from cocora.organisations.search import Hit, SearchGroup, register

from .selectors.partners import partner_search


def _partner_hit(partner: Any, *, organisation: Any, membership: Any) -> Hit:
    return Hit(
        title=partner.name,
        detail=f"{partner.get_kind_display()} · {partner.get_status_display()}",
        url=reverse(
            "partner_detail", kwargs={"org_slug": organisation.slug, "partner_id": partner.pk}
        ),
        obj=partner,
    )


register(
    SearchGroup(
        key="partners",
        label=gettext_lazy("Partners"),
        permission="partners.view",
        order=30,
        search=partner_search,
        hit=_partner_hit,
    )
)
