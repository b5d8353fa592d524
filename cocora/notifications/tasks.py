"""Reminder tasks. Thin: ids in, a service does the work. Scheduled in settings
(CELERY_BEAT_SCHEDULE, section "reminders and email delivery")."""

import logging
from typing import Any

from celery import shared_task

from cocora.organisations.context import org_task
from cocora.organisations.models import Organisation

from .services import deliveries_dispatch, deliveries_plan, delivery_send_batch

logger = logging.getLogger(__name__)

# A retry's countdown stays far below the broker's visibility timeout (one hour): Redis would
# otherwise hand the waiting task to a second worker. Longer waits are the sweep's job.
MAX_RETRY_COUNTDOWN = 300


@shared_task(name="notifications.plan_all")
def plan_all() -> int:
    """Fans out one planning task per organisation (the organisation table is not a tenant
    table: the list is visible without a context)."""
    ids = list(Organisation.objects.order_by("pk").values_list("pk", flat=True))
    for organisation_id in ids:
        plan_organisation.delay(organisation_id)
    return len(ids)


@shared_task(name="notifications.plan_organisation")
@org_task
def plan_organisation(organisation_id: int) -> dict[str, int]:
    """Plans what the rules say is due and enqueues sending (after commit), including
    deliveries whose worker died (the recovery sweep)."""
    organisation = Organisation.objects.get(pk=organisation_id)
    planned = deliveries_plan(organisation=organisation)
    batches = deliveries_dispatch(organisation=organisation)
    return {"planned": planned, "batches": batches}


@shared_task(name="notifications.send_deliveries", bind=True, max_retries=5)
def send_deliveries(self: Any, organisation_id: int, delivery_ids: list[int]) -> dict[str, int]:
    """Sends one chunk over one SMTP connection. Not wrapped in org_task on purpose: claiming
    and each 'sent' mark commit on their own, each in the organisation's context."""
    result = delivery_send_batch(organisation_id=organisation_id, delivery_ids=delivery_ids)
    if result.retry_in is not None and not self.request.is_eager:
        raise self.retry(countdown=min(result.retry_in, MAX_RETRY_COUNTDOWN))
    return {
        "claimed": result.claimed,
        "sent": result.sent,
        "skipped": result.skipped,
        "failed": result.failed,
        "released": result.released,
    }
