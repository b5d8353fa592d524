"""A person's own sessions, the sessions calendar and calendar feed settings, under
o/<org_slug>/."""

from django.urls import path

from .views.calendar import (
    CalendarResetView,
    CalendarSettingsView,
    MySessionsView,
    SessionCalendarView,
)

urlpatterns = [
    path("my/sessions/", MySessionsView.as_view(), name="my_sessions"),
    path("sessions/calendar/", SessionCalendarView.as_view(), name="session_calendar"),
    path("calendar/", CalendarSettingsView.as_view(), name="calendar_settings"),
    path("calendar/reset/", CalendarResetView.as_view(), name="calendar_reset"),
]
