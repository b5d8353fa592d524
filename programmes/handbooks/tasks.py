"""The handbook's Celery tasks: the render (ids in, the organisation's context entered, the
service called) and the nightly pruning of the part cache."""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings

from cocora.organisations.context import org_task
from cocora.organisations.models import Organisation

logger = logging.getLogger(__name__)


@shared_task(name="programmes.handbook_render")
@org_task
def handbook_render(organisation_id: int, export_id: int) -> None:
    from .services import handbook_export_render

    organisation = Organisation.objects.get(pk=organisation_id)
    handbook_export_render(organisation=organisation, export_id=export_id)


@shared_task(name="programmes.handbook_parts_prune")
def handbook_parts_prune() -> int:
    """Deletes the cached handbook parts that no export wrote or read for
    COCORA_HANDBOOK_PART_CACHE_DAYS days, every organisation's (files, not database rows)."""
    from cocora.documents.book import prune_part_cache

    from .services import PART_CACHE_ROOT

    days = settings.COCORA_HANDBOOK_PART_CACHE_DAYS
    removed = prune_part_cache(PART_CACHE_ROOT, unused_for=timedelta(days=days))
    logger.info("handbooks: pruned %s cached parts unused for %s days", removed, days)
    return removed
