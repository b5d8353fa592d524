"""What the one search box finds in the programmes app: participants by name or code, cohorts
by name. Trainers find only their own cohorts and the people enrolled in them."""

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from cocora.organisations.models import Membership, Organisation, Role

from ..models import Cohort, Enrolment, Participant
from .cohorts import _visible_cohorts


def participant_search(
    *, organisation: Organisation, membership: Membership, query: str
) -> QuerySet[Participant]:
    """Participants whose name or code contains the query, by name: one query. For a trainer,
    only people enrolled in a cohort they train, each with `search_cohort_id` (one of those
    cohorts, where the trainer sees them)."""
    participants = Participant.objects.for_org(organisation).filter(
        Q(display_name__icontains=query) | Q(code__icontains=query)
    )
    if membership.role not in (Role.ADMIN, Role.COORDINATOR):
        enrolments = Enrolment.objects.for_org(organisation).filter(
            participant=OuterRef("pk"),
            cohort__in=_visible_cohorts(organisation=organisation, membership=membership),
        )
        participants = participants.filter(Exists(enrolments)).annotate(
            search_cohort_id=Subquery(
                enrolments.order_by("-cohort__starts_on").values("cohort")[:1]
            )
        )
    return participants.order_by("display_name", "code", "pk")


def cohort_search(
    *, organisation: Organisation, membership: Membership, query: str
) -> QuerySet[Cohort]:
    """Cohorts the member may see whose name contains the query, newest first, with their
    programme: one query."""
    return (
        _visible_cohorts(organisation=organisation, membership=membership)
        .filter(name__icontains=query)
        .select_related("programme")
        .order_by("-starts_on", "name", "pk")
    )
