"""The nightly retention run (scheduled in settings: CELERY_BEAT_SCHEDULE)."""

import logging

from celery import shared_task

from cocora.organisations.context import org_context
from cocora.organisations.models import Organisation

from .services import retention_run

logger = logging.getLogger(__name__)


@shared_task(name="privacy.retention_nightly")
def retention_nightly() -> dict[int, dict[str, int]]:
    """Runs retention for every organisation, each in its own transaction and context (on
    PostgreSQL row-level security shows a task nothing otherwise). One organisation's failure
    does not stop the others; the task fails at the end so that monitoring sees it."""
    results: dict[int, dict[str, int]] = {}
    failed: list[int] = []
    # The organisation table is not a tenant table: the list is visible without a context.
    for organisation_id in Organisation.objects.order_by("pk").values_list("pk", flat=True):
        try:
            with org_context(organisation_id):
                organisation = Organisation.objects.get(pk=organisation_id)
                counts = retention_run(organisation=organisation)
        except Exception:
            logger.exception("privacy: retention failed for organisation %s", organisation_id)
            failed.append(organisation_id)
            continue
        results[organisation_id] = counts
        logger.info(
            "privacy: retention for organisation %s: %s",
            organisation_id,
            ", ".join(f"{kind}={count}" for kind, count in sorted(counts.items())),
        )
    if failed:
        raise RuntimeError(f"Retention failed for organisations {failed}; see the log above.")
    return results
