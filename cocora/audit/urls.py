from django.urls import path

from . import views

urlpatterns = [
    path("audit/", views.AuditLogView.as_view(), name="audit_log"),
]
