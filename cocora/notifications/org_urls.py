"""Pages under o/<org_slug>/: the delivery log for admins."""

from django.urls import path

from . import views

urlpatterns = [
    path("emails/", views.DeliveryListView.as_view(), name="delivery_list"),
]
