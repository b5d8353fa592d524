"""The core's own API resources: who the caller is, and the email delivery log (admins)."""

from typing import Any

import django_filters
from django.conf import settings
from django.http import Http404
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from cocora.notifications import api as notifications_api
from cocora.notifications.models import Delivery, DeliveryStatus, RecipientKind
from cocora.notifications.selectors import delivery_list

from . import search as search_api
from .base import OrgViewSet, action_url, resource
from .filters import MomentFilter
from .models import ApiToken


def api_not_found(request: Any, *args: Any, **kwargs: Any) -> Any:
    from .exceptions import page_not_found

    return page_not_found(request, Http404())


@extend_schema(exclude=True)
class ApiDocsView(SpectacularSwaggerSplitView):
    """Swagger UI from our own static files. Its scripts are files, as our policy demands; its
    components set inline styles, which this page alone allows (it shows no one's data)."""

    def get(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().get(request, *args, **kwargs)
        policy = settings.COCORA_CONTENT_SECURITY_POLICY
        if policy:
            response["Content-Security-Policy"] = policy.replace(
                "style-src 'self'", "style-src 'self' 'unsafe-inline'"
            )
        return response


class MeSerializer(serializers.Serializer):
    email = serializers.EmailField()
    name = serializers.CharField()
    organisation = serializers.CharField(help_text="The organisation's slug.")
    role = serializers.CharField()
    time_zone = serializers.CharField()
    token_read_only = serializers.BooleanField(
        allow_null=True, help_text="null when signed in through the browser."
    )
    token_expires_at = serializers.DateTimeField(allow_null=True)


class MeViewSet(OrgViewSet):
    permissions = {"read": "organisation.view"}
    pagination_class = None
    filter_backends: list[Any] = []

    @extend_schema(
        summary="Who you are here",
        description="Your account, your role in the organisation and, for a token, its limits.",
        responses=MeSerializer,
    )
    def me(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        token = request.auth if isinstance(request.auth, ApiToken) else None
        return Response(
            MeSerializer(
                {
                    "email": request.user.email,
                    "name": request.user.name,  # type: ignore[union-attr]
                    "organisation": self.organisation.slug,
                    "role": self.membership.role,
                    "time_zone": str(self.organisation.time_zone),
                    "token_read_only": token.read_only if token else None,
                    "token_expires_at": token.expires_at if token else None,
                }
            ).data
        )


class DeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = Delivery
        fields = [
            "id",
            "rule",
            "kind",
            "occasion",
            "recipient_kind",
            "language",
            "status",
            "attempts",
            "sent_at",
            "last_error",
            "created_at",
        ]
        read_only_fields = fields


class DeliveryFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=DeliveryStatus.choices)
    recipient_kind = django_filters.ChoiceFilter(choices=RecipientKind.choices)
    kind = django_filters.CharFilter()
    created_since = MomentFilter(field_name="created_at", lookup_expr="gte")

    class Meta:
        model = Delivery
        fields = ["status", "recipient_kind", "kind", "created_since"]


@extend_schema(tags=["deliveries"])
class DeliveryViewSet(OrgViewSet):
    """The log of reminder emails: what went (or will go) to whom, when, with what outcome.
    Addresses are not part of it."""

    permissions = {"read": "deliveries.view"}
    serializer_class = DeliverySerializer
    filterset_class = DeliveryFilter

    def org_queryset(self) -> Any:
        return delivery_list(organisation=self.organisation)

    @extend_schema(summary="List email deliveries")
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.page(self.get_queryset())

    @extend_schema(summary="One email delivery")
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self.get_serializer(self.get_object()).data)


urlpatterns = [
    action_url("me/", MeViewSet, {"get": "me"}, name="me"),
    *resource("deliveries/", DeliveryViewSet, id_name="delivery_id", name="delivery"),
    *notifications_api.urlpatterns,
    *search_api.urlpatterns,
]
