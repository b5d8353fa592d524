"""Data-protection pages of an organisation, mounted under o/<org_slug>/ by cocora/urls.py."""

from django.urls import path

from . import views

urlpatterns = [
    path("privacy/retention/", views.RetentionSettingsView.as_view(), name="retention_settings"),
]
