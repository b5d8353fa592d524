"""Pages under o/<org_slug>/: the delivery log for admins, a coordinator's notifications."""

from django.urls import path

from . import views

urlpatterns = [
    path("emails/", views.DeliveryListView.as_view(), name="delivery_list"),
    path("notifications/", views.NotificationListView.as_view(), name="notification_list"),
    path(
        "notifications/read/",
        views.NotificationReadAllView.as_view(),
        name="notification_read_all",
    ),
    path(
        "notifications/<int:notification_id>/read/",
        views.NotificationReadView.as_view(),
        name="notification_read",
    ),
]
