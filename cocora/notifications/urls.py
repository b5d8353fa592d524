"""Global pages of notifications: the unsubscribe link works without signing in."""

from django.urls import path

from . import views

urlpatterns = [
    path("unsubscribe/<str:token>/", views.UnsubscribeView.as_view(), name="unsubscribe"),
]
