"""Reads of sessions from one person's point of view: the sessions they train or coordinate."""

from datetime import datetime

from django.db.models import Exists, Q, QuerySet

from cocora.accounts.models import User
from cocora.organisations.models import Membership, Organisation, Role

from ..models import CohortTrainer, Session


def sessions_for_user(
    *, organisation: Organisation, user: User, starts_after: datetime, starts_before: datetime
) -> QuerySet[Session]:
    """The person's own sessions in the organisation that start in [starts_after, starts_before):
    sessions of the cohorts they are assigned to as a trainer or that they coordinate, whatever
    their trainer assignment, and while they hold a coordinating role for the cohorts they
    coordinate. Cancelled sessions are included (with their status); callers decide how to show
    them. One query whatever the number of sessions: cohort, programme and module are joined."""
    # A subquery rather than a join on trainer_links: a join would repeat a coordinator's
    # session once per trainer of the cohort.
    trained_cohorts = (
        CohortTrainer.objects.for_org(organisation).filter(user=user).values("cohort_id")
    )
    mine = Q(cohort_id__in=trained_cohorts)
    # Coordinating counts only while the person still holds a coordinating role: someone moved
    # to another role keeps no view through a cohort's old coordinator field.
    coordinating = Membership.objects.for_org(organisation).filter(
        user=user, role__in=[Role.ADMIN, Role.COORDINATOR]
    )
    mine |= Q(cohort__coordinator=user) & Q(Exists(coordinating))
    return (
        Session.objects.for_org(organisation)
        .filter(starts_at__gte=starts_after, starts_at__lt=starts_before)
        .filter(mine)
        .select_related("cohort", "cohort__programme", "module")
        .order_by("starts_at", "pk")
    )
