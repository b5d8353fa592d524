"""Handbook PDFs of a programme, under o/<org_slug>/. The parameter names are the ones the
isolation sweep (tests/isolation.py) knows how to fill."""

from django.urls import path

from .handbooks import views

urlpatterns = [
    path(
        "programmes/<int:programme_id>/handbook/",
        views.HandbookExportsView.as_view(),
        name="handbook_exports",
    ),
    path(
        "handbooks/<int:export_id>/status/",
        views.HandbookStatusView.as_view(),
        name="handbook_status",
    ),
    path(
        "handbooks/<int:export_id>/download/",
        views.HandbookDownloadView.as_view(),
        name="handbook_download",
    ),
    path(
        "handbooks/<int:export_id>/retry/",
        views.HandbookRetryView.as_view(),
        name="handbook_retry",
    ),
]
