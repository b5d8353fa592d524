"""A participant's data for data-protection requests (admins only), under o/<org_slug>/."""

from django.urls import path

from .views.privacy import ParticipantDataExportView, ParticipantEraseView

urlpatterns = [
    path(
        "participants/<int:participant_id>/data/",
        ParticipantDataExportView.as_view(),
        name="participant_data_export",
    ),
    path(
        "participants/<int:participant_id>/erase/",
        ParticipantEraseView.as_view(),
        name="participant_erase",
    ),
]
