"""The handbook's Celery task: ids in, the organisation's context entered, the service called."""

from celery import shared_task

from cocora.organisations.context import org_task
from cocora.organisations.models import Organisation


@shared_task(name="programmes.handbook_render")
@org_task
def handbook_render(organisation_id: int, export_id: int) -> None:
    from .services import handbook_export_render

    organisation = Organisation.objects.get(pk=organisation_id)
    handbook_export_render(organisation=organisation, export_id=export_id)
