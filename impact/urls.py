"""Pages of the impact app, mounted under o/<org_slug>/ (and so swept by the isolation test).
Every id parameter has its own name, taught to the sweep in impact/tests/makers.py."""

from django.urls import path

from . import views

urlpatterns = [
    path(
        "programmes/<int:programme_id>/impact/",
        views.ImpactView.as_view(),
        name="impact_programme",
    ),
    path(
        "programmes/<int:programme_id>/objectives/new/",
        views.ObjectiveCreateView.as_view(),
        name="impact_objective_create",
    ),
    path(
        "objectives/<int:objective_id>/edit/",
        views.ObjectiveEditView.as_view(),
        name="impact_objective_edit",
    ),
    path(
        "objectives/<int:objective_id>/delete/",
        views.ObjectiveDeleteView.as_view(),
        name="impact_objective_delete",
    ),
    path(
        "objectives/<int:objective_id>/indicators/new/",
        views.IndicatorCreateView.as_view(),
        name="impact_indicator_create",
    ),
    path(
        "indicators/<int:indicator_id>/edit/",
        views.IndicatorEditView.as_view(),
        name="impact_indicator_edit",
    ),
    path(
        "indicators/<int:indicator_id>/delete/",
        views.IndicatorDeleteView.as_view(),
        name="impact_indicator_delete",
    ),
    # Funder reports.
    path(
        "programmes/<int:programme_id>/reports/",
        views.ReportListView.as_view(),
        name="impact_reports",
    ),
    path(
        "programmes/<int:programme_id>/reports/new/",
        views.ReportCreateView.as_view(),
        name="impact_report_create",
    ),
    path("reports/<int:report_id>/", views.ReportDetailView.as_view(), name="impact_report"),
    path(
        "reports/<int:report_id>/edit/", views.ReportEditView.as_view(), name="impact_report_edit"
    ),
    path(
        "reports/<int:report_id>/delete/",
        views.ReportDeleteView.as_view(),
        name="impact_report_delete",
    ),
    path(
        "reports/<int:report_id>/report.csv",
        views.ReportCsvView.as_view(),
        name="impact_report_csv",
    ),
    path(
        "reports/<int:report_id>/report.xlsx",
        views.ReportXlsxView.as_view(),
        name="impact_report_xlsx",
    ),
    path("reports/<int:report_id>/pdf/", views.ReportPdfView.as_view(), name="impact_report_pdf"),
]
