"""The personal calendar feed, at the site root: it is found by its secret token and spans
every organisation the person belongs to, so it lives under no organisation."""

from django.urls import path

from .views.calendar import calendar_feed

urlpatterns = [
    path("calendar/<str:token>.ics", calendar_feed, name="calendar_feed"),
]
