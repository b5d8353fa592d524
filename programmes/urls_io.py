"""Participant import and cohort export, under o/<org_slug>/."""

from django.urls import path

from .exports import EXPORT_FORMATS
from .views.io import CohortExportView, ParticipantImportTemplateView, ParticipantImportView

urlpatterns = [
    path("participants/import/", ParticipantImportView.as_view(), name="participant_import"),
    path(
        "participants/import/template.csv",
        ParticipantImportTemplateView.as_view(),
        name="participant_import_template",
    ),
    # cohorts/<id>/export/<fmt>/ as one pattern per format, all named cohort_export:
    # reverse("cohort_export", kwargs={..., "fmt": "csv"}) picks the matching one, any other
    # format is a 404 before the view runs, and the isolation sweep sees only `cohort_id` (a
    # <str:fmt> parameter would need an object maker that a format is not).
    *(
        path(
            f"cohorts/<int:cohort_id>/export/{fmt}/",
            CohortExportView.as_view(),
            {"fmt": fmt},
            name="cohort_export",
        )
        for fmt in EXPORT_FORMATS
    ),
]
