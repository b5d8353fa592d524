"""Disclosures through the API: sharing information about a young person with a partner goes
through `disclosure_record`, the one path for sharing, exactly as on the page. The list names
no young person and shows no purpose; reading one disclosure is recorded."""

from typing import Any

import django_filters
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from cocora.api.base import OrgViewSet, resource
from cocora.api.filters import IdFilter, MomentFilter
from cocora.audit.services import audit_record

from ..models import Disclosure, DisclosureBasis, InformationClass
from ..selectors.disclosures import disclosure_queryset
from ..services.disclosures import disclosure_record
from .serializers import DisclosureDetailSerializer, DisclosureInput, DisclosureSerializer


class DisclosureFilter(django_filters.FilterSet):
    partner = IdFilter(field_name="partner_id")
    participant = IdFilter(field_name="participant_id")
    information_class = django_filters.ChoiceFilter(choices=InformationClass.choices)
    basis = django_filters.ChoiceFilter(choices=DisclosureBasis.choices)
    disclosed_since = MomentFilter(field_name="disclosed_at", lookup_expr="gte")

    class Meta:
        model = Disclosure
        fields = ["partner", "participant", "information_class", "basis", "disclosed_since"]


@extend_schema(tags=["disclosures"])
class DisclosureViewSet(OrgViewSet):
    """The record of what was shared about whom, with which partner, on which basis. Admins
    and coordinators only; nothing here can be changed or removed."""

    permissions = {"read": "disclosures.record", "write": "disclosures.record"}
    serializer_class = DisclosureSerializer
    filterset_class = DisclosureFilter

    def org_queryset(self) -> Any:
        return disclosure_queryset(organisation=self.organisation)

    @extend_schema(summary="List disclosures")
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.page(self.get_queryset())

    @extend_schema(
        summary="Share information about a young person with a partner",
        description="Checked in this order: the partner's status, the agreement's sharing "
        "matrix for the class of information, the partner's integrity check (for named "
        "information) and, where the agreement asks for it, the young person's consent to "
        "share. A refusal (code `refused`) names every missing piece and records nothing. An "
        "admin may share despite a refusal with `override_reason`; the disclosure then has the "
        "basis `override` and is highlighted in the log.",
        request=DisclosureInput,
        responses={201: DisclosureDetailSerializer},
        examples=[
            OpenApiExample(
                "Names for an invitation",
                value={
                    "partner": 12,
                    "participant": 345,
                    "information_class": "participant_names",
                    "purpose": "Invitations to the joint event on 4 March.",
                },
                request_only=True,
            )
        ],
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = DisclosureInput(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        disclosure = disclosure_record(
            organisation=self.organisation,
            partner=fields["partner"],
            participant=fields["participant"],
            information_class=fields["information_class"],
            purpose=fields["purpose"],
            override_reason=fields.get("override_reason", ""),
            actor=request.user,
        )
        serializer = DisclosureDetailSerializer(disclosure, context=self.get_serializer_context())
        return Response(serializer.data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="One disclosure, with its purpose",
        description="Reading it is recorded in the audit trail.",
        responses={200: DisclosureDetailSerializer},
    )
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        disclosure: Disclosure = self.get_object()
        audit_record(
            organisation=self.organisation,
            actor=request.user,
            action="disclosure.viewed",
            target=disclosure,
        )
        return Response(
            DisclosureDetailSerializer(disclosure, context=self.get_serializer_context()).data
        )


urlpatterns = [
    *resource("disclosures/", DisclosureViewSet, id_name="disclosure_id", name="disclosure"),
]
