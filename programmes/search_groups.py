"""What the header's search box finds in the programmes app (see cocora.organisations.search)."""

from typing import Any

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cocora.organisations.models import Role
from cocora.organisations.search import Hit, SearchGroup, register

from .selectors.search import cohort_search, participant_search


def _participant_hit(participant: Any, *, organisation: Any, membership: Any) -> Hit:
    if membership.role in (Role.ADMIN, Role.COORDINATOR):
        url = reverse(
            "participant_detail",
            kwargs={"org_slug": organisation.slug, "participant_id": participant.pk},
        )
    else:
        # A trainer has no participant pages: the cohort where they see this person.
        url = reverse(
            "cohort_detail",
            kwargs={"org_slug": organisation.slug, "cohort_id": participant.search_cohort_id},
        )
    return Hit(
        title=participant.display_name,
        detail=_("Code %(code)s") % {"code": participant.code},
        url=url,
        obj=participant,
    )


def _cohort_hit(cohort: Any, *, organisation: Any, membership: Any) -> Hit:
    return Hit(
        title=cohort.name,
        detail=_("%(programme)s · from %(day)s")
        % {
            "programme": cohort.programme.title,
            "day": date_format(cohort.starts_on, "SHORT_DATE_FORMAT"),
        },
        url=reverse(
            "cohort_detail", kwargs={"org_slug": organisation.slug, "cohort_id": cohort.pk}
        ),
        obj=cohort,
    )


register(
    SearchGroup(
        key="participants",
        label=gettext_lazy("Participants"),
        # Trainers too, narrowed to the people of their own cohorts by the selector.
        permission="cohorts.view",
        order=10,
        search=participant_search,
        hit=_participant_hit,
        # Names and codes of young people: each one shown leaves a line on their record.
        audit_action="participant.found_in_search",
    )
)
register(
    SearchGroup(
        key="cohorts",
        label=gettext_lazy("Cohorts"),
        permission="cohorts.view",
        order=20,
        search=cohort_search,
        hit=_cohort_hit,
    )
)
