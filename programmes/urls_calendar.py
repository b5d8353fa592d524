"""A person's own sessions and calendar feed settings, under o/<org_slug>/."""

from django.urls import path

from .views.calendar import CalendarResetView, CalendarSettingsView, MySessionsView

urlpatterns = [
    path("my/sessions/", MySessionsView.as_view(), name="my_sessions"),
    path("calendar/", CalendarSettingsView.as_view(), name="calendar_settings"),
    path("calendar/reset/", CalendarResetView.as_view(), name="calendar_reset"),
]
