"""What the header's search box finds in the ambassadors app (see cocora.organisations.search)."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cocora.organisations.search import Hit, SearchGroup, register

from .selectors.ambassadors import ambassador_search


def _ambassador_hit(ambassador: Any, *, organisation: Any, membership: Any) -> Hit:
    return Hit(
        title=ambassador.participant.display_name,
        detail=_("Code %(code)s · %(status)s")
        % {"code": ambassador.participant.code, "status": ambassador.get_status_display()},
        url=reverse(
            "ambassador_detail",
            kwargs={"org_slug": organisation.slug, "ambassador_id": ambassador.pk},
        ),
        obj=ambassador,
    )


register(
    SearchGroup(
        key="ambassadors",
        label=gettext_lazy("Ambassadors"),
        permission="ambassadors.view",
        order=40,
        search=ambassador_search,
        hit=_ambassador_hit,
    )
)
