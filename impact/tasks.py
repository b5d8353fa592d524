"""The funder report's Celery task: ids in, the organisation's context entered, the service
called."""

from celery import shared_task

from cocora.organisations.context import org_task
from cocora.organisations.models import Organisation


@shared_task(name="impact.funder_report_render")
@org_task
def funder_report_render(organisation_id: int, report_id: int) -> None:
    from .services import funder_report_pdf_render

    organisation = Organisation.objects.get(pk=organisation_id)
    funder_report_pdf_render(organisation=organisation, report_id=report_id)
