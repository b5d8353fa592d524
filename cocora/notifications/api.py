"""The API of a person's in-app notifications, under /api/v1/o/<org_slug>/notifications/: the
same selectors, services and permission as the Notifications page."""

from typing import Any

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from cocora.api.base import OrgViewSet, action_url, resource

from . import inbox
from .kinds import notification_message
from .models import Notification, NotificationKind
from .selectors import notification_list


class NotificationSerializer(serializers.ModelSerializer):
    message = serializers.SerializerMethodField(
        help_text="What happened, in the caller's language. Never the content of a note."
    )
    read = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField())
    def get_message(self, notification: Notification) -> str:
        return notification_message(notification)

    @extend_schema_field(serializers.BooleanField())
    def get_read(self, notification: Notification) -> bool:
        return notification.read_at is not None

    class Meta:
        model = Notification
        fields = ["id", "kind", "message", "link", "created_at", "read", "read_at"]
        read_only_fields = fields


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many notifications were unread.")


class NotificationFilter(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(
        field_name="read_at", lookup_expr="isnull", label="Only unread (true) or only read"
    )
    kind = django_filters.ChoiceFilter(choices=NotificationKind.choices)

    class Meta:
        model = Notification
        fields = ["unread", "kind"]


@extend_schema(tags=["notifications"])
class NotificationViewSet(OrgViewSet):
    """The caller's own notifications in the organisation, newest first. Each says what
    happened and links to the page where it is read (which checks permission again)."""

    permissions = {"read": "notifications.view", "write": "notifications.view"}
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter

    def org_queryset(self) -> Any:
        return notification_list(organisation=self.organisation, user=self.request.user)

    @extend_schema(summary="List your notifications")
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.page(self.get_queryset())

    @extend_schema(summary="One of your notifications")
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        summary="Mark one notification read", request=None, operation_id="notification_mark_read"
    )
    def mark_read(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        notification = inbox.notification_mark_read(
            organisation=self.organisation, user=request.user, notification=self.get_object()
        )
        return Response(self.get_serializer(notification).data)

    @extend_schema(
        summary="Mark all your notifications read",
        request=None,
        responses=MarkedSerializer,
        operation_id="notifications_mark_all_read",
    )
    def mark_all_read(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        marked = inbox.notification_mark_all_read(organisation=self.organisation, user=request.user)
        return Response(MarkedSerializer({"marked": marked}).data)


urlpatterns = [
    action_url(
        "notifications/read/",
        NotificationViewSet,
        {"post": "mark_all_read"},
        name="notifications-read-all",
    ),
    *resource(
        "notifications/", NotificationViewSet, id_name="notification_id", name="notification"
    ),
    action_url(
        "notifications/<int:notification_id>/read/",
        NotificationViewSet,
        {"post": "mark_read"},
        name="notification-read",
    ),
]
