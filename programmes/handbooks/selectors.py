"""Reads of handbook exports."""

from django.core.cache import cache
from django.db.models import QuerySet

from cocora.organisations.models import Organisation
from programmes.models import HandbookExport, HandbookExportStatus, Programme

IN_FLIGHT = (HandbookExportStatus.QUEUED, HandbookExportStatus.RENDERING)
LIST_LIMIT = 50


def progress_cache_key(export_id: int) -> str:
    return f"cocora:handbook:{export_id}:progress"


def handbook_export_list(
    *, organisation: Organisation, programme: Programme | None = None
) -> QuerySet[HandbookExport]:
    """The organisation's exports (or one programme's), newest first, with their programme and
    requester: one query whatever the number of rows."""
    exports = HandbookExport.objects.for_org(organisation)
    if programme is not None:
        exports = exports.filter(programme=programme)
    return exports.select_related("programme", "requested_by").order_by("-requested_at", "-pk")


def handbook_export_get(*, organisation: Organisation, export_id: int) -> HandbookExport:
    """One export of the organisation; HandbookExport.DoesNotExist for another's id."""
    return handbook_export_list(organisation=organisation).get(pk=export_id)


def handbook_export_live_progress(export: HandbookExport) -> tuple[str, int]:
    """Status and progress to show. A worker renders inside one transaction, so its progress is
    published in the cache while it works (and written to the row when it finishes)."""
    if export.status not in IN_FLIGHT:
        return export.status, export.progress
    live = cache.get(progress_cache_key(export.pk))
    if live is None:
        return export.status, export.progress
    return HandbookExportStatus.RENDERING, max(int(live), export.progress)
