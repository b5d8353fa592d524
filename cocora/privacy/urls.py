"""Data-protection pages of an organisation, mounted under o/<org_slug>/ by cocora/urls.py."""

from django.urls import path

from . import views

urlpatterns = [
    # Public: anyone may read it, without a login (tests/isolation.py PUBLIC_PAGES).
    path("transparency/", views.TransparencyView.as_view(), name="transparency"),
    path("privacy/retention/", views.RetentionSettingsView.as_view(), name="retention_settings"),
]
