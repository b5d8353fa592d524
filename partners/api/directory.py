"""The partner directory through the API: partners, their agreements with the sharing matrix,
and their integrity checks. The same permissions, services and selectors as the pages."""

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from cocora.api.base import OrgViewSet, action_url, resource
from cocora.api.filters import IdFilter, MomentFilter
from cocora.audit.services import audit_record

from ..models import Agreement, IntegrityCheck, PartnerKind, PartnerOrganisation, PartnerStatus
from ..selectors.partners import (
    ReviewFilter,
    agreement_queryset,
    integrity_check_queryset,
    partner_get,
    partner_ids_in_review_state,
    partner_queryset,
    partner_rows,
)
from ..services import agreements as agreement_services
from ..services import checks as check_services
from ..services import directory as directory_services
from .serializers import (
    AgreementChangeInput,
    AgreementCreateInput,
    AgreementSerializer,
    InformedInput,
    IntegrityCheckDetailSerializer,
    IntegrityCheckInput,
    IntegrityCheckSerializer,
    PartnerInput,
    PartnerSerializer,
    matrix_cells,
)

DIRECTORY_PERMISSIONS = {"read": "partners.view", "write": "partners.manage"}


# -- partners ---------------------------------------------------------------------------------


class PartnerFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=PartnerStatus.choices)
    kind = django_filters.ChoiceFilter(choices=PartnerKind.choices)
    review = django_filters.ChoiceFilter(
        choices=[(choice, choice) for choice in ReviewFilter.CHOICES],
        method="filter_review",
        help_text="overdue (never checked, not passed, or past the review date), soon (due "
        "within 60 days) or ok: the directory's review filter.",
    )
    search = django_filters.CharFilter(
        method="filter_search", help_text="Part of the name, languages or communities served."
    )
    changed_since = MomentFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = PartnerOrganisation
        fields = ["status", "kind", "review", "search", "changed_since"]

    def filter_review(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        # The directory's own judgement of each partner's latest check (two queries).
        ids = partner_ids_in_review_state(
            organisation=self.request.organisation,  # type: ignore[union-attr]
            review=value,
        )
        return queryset.filter(pk__in=ids)

    def filter_search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value)
            | Q(languages__icontains=value)
            | Q(communities_served__icontains=value)
        )


@extend_schema(tags=["partners"])
class PartnerViewSet(OrgViewSet):
    """Partner organisations of the Collaborative Programme, with what their latest integrity
    check means today. Staff only (admins and coordinators)."""

    permissions = DIRECTORY_PERMISSIONS
    serializer_class = PartnerSerializer
    filterset_class = PartnerFilter

    def org_queryset(self) -> Any:
        return partner_queryset(organisation=self.organisation)

    def _rows(self, partners: list[PartnerOrganisation]) -> dict[str, Any]:
        # One query for the latest checks of every partner on the page.
        rows = partner_rows(organisation=self.organisation, partners=partners)
        return {"partner_rows": {row.partner.pk: row for row in rows}}

    def _one(self, partner_id: int, **status_code: Any) -> Response:
        partner = self.get_queryset().get(pk=partner_id)
        serializer = PartnerSerializer(
            partner, context={**self.get_serializer_context(), **self._rows([partner])}
        )
        return Response(serializer.data, **status_code)

    @extend_schema(
        summary="List partners",
        description="The directory by name, with the same filters as its page.",
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        serializer = PartnerSerializer(
            page, many=True, context={**self.get_serializer_context(), **self._rows(page)}
        )
        return self.get_paginated_response(serializer.data)

    @extend_schema(
        summary="Add a partner",
        description="A new partner is prospective unless a status is given. Names are unique "
        "in the organisation (ignoring case).",
        request=PartnerInput,
        responses={201: PartnerSerializer},
        examples=[
            OpenApiExample(
                "A youth club",
                value={"name": "Club North", "kind": "youth_club", "languages": "Danish, Arabic"},
                request_only=True,
            )
        ],
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = PartnerInput(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        partner = directory_services.partner_create(
            organisation=self.organisation, actor=request.user, **data.validated_data
        )
        return self._one(partner.pk, status=status.HTTP_201_CREATED)

    @extend_schema(summary="One partner")
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._one(self.get_object().pk)

    @extend_schema(
        summary="Change a partner",
        description="Only the fields sent change. A change of status is recorded in the audit "
        "trail; pausing or ending a partnership suspends all sharing with it.",
        request=PartnerInput(partial=True),
        responses={200: PartnerSerializer},
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partner = self.get_object()
        data = PartnerInput(data=request.data, partial=True, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        directory_services.partner_update(
            organisation=self.organisation,
            partner=partner,
            actor=request.user,
            **data.validated_data,
        )
        return self._one(partner.pk)


# -- agreements -------------------------------------------------------------------------------


class AgreementFilter(django_filters.FilterSet):
    partner = IdFilter(field_name="partner_id", help_text="A partner's id.")
    changed_since = MomentFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = Agreement
        fields = ["partner", "changed_since"]


MATRIX_EXAMPLE = {
    "participant_names": {"level": "consent", "purpose": "Invitations to joint events."},
    "session_dates": {"level": "allowed"},
}


@extend_schema(tags=["partners"])
class AgreementViewSet(OrgViewSet):
    """The agreement with a partner (one per partner) and its sharing matrix: for each of the
    seven classes of information, `never`, `consent` (only with the young person's or guardian's
    consent) or `allowed`. A disclosure checks it; nothing here shares anything."""

    permissions = DIRECTORY_PERMISSIONS
    serializer_class = AgreementSerializer
    filterset_class = AgreementFilter

    def org_queryset(self) -> Any:
        return agreement_queryset(organisation=self.organisation)

    def _one(self, agreement_id: int, **status_code: Any) -> Response:
        agreement = self.get_queryset().get(pk=agreement_id)
        return Response(self.get_serializer(agreement).data, **status_code)

    @extend_schema(summary="List agreements", description="Filter by `partner` for its agreement.")
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.page(self.get_queryset())

    @extend_schema(
        summary="Record a partner's agreement",
        description="A partner has one agreement, kept up to date: a second one is refused "
        "(409, code `duplicate`). Classes of information left out of `matrix` take the strict "
        "defaults: aggregate figures and programme materials allowed, confidential notes never, "
        "everything else only with consent.",
        request=AgreementCreateInput,
        responses={201: AgreementSerializer},
        examples=[
            OpenApiExample(
                "Dialogue meetings",
                value={
                    "partner": 12,
                    "purpose": "Joint dialogue meetings in the neighbourhood.",
                    "starts_on": "2026-01-01",
                    "review_on": "2027-01-01",
                    "matrix": MATRIX_EXAMPLE,
                },
                request_only=True,
            )
        ],
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = AgreementCreateInput(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        agreement = agreement_services.agreement_create(
            organisation=self.organisation,
            partner=fields.pop("partner"),
            matrix=matrix_cells(fields.pop("matrix", None)),
            actor=request.user,
            **fields,
        )
        return self._one(agreement.pk, status=status.HTTP_201_CREATED)

    @extend_schema(summary="One agreement with its sharing matrix")
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        summary="Change an agreement",
        description="Only the fields and matrix cells sent change; a cell sent without a "
        "purpose keeps its purpose. Each change of level is recorded in the audit trail.",
        request=AgreementChangeInput(partial=True),
        responses={200: AgreementSerializer},
        examples=[
            OpenApiExample(
                "Never share confidential notes, allow session dates",
                value={
                    "matrix": {
                        "confidential_notes": {"level": "never"},
                        "session_dates": {"level": "allowed"},
                    }
                },
                request_only=True,
            )
        ],
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        agreement = self.get_object()
        data = AgreementChangeInput(
            data=request.data, partial=True, context=self.get_serializer_context()
        )
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        agreement_services.agreement_update(
            organisation=self.organisation,
            agreement=agreement,
            matrix=matrix_cells(fields.pop("matrix", None)),
            actor=request.user,
            **fields,
        )
        return self._one(agreement.pk)


# -- integrity checks -------------------------------------------------------------------------


@extend_schema(tags=["partners"])
class PartnerCheckViewSet(OrgViewSet):
    """The integrity checks of one partner, the latest first. Their notes are read one check
    at a time (integrity-checks/{check_id}/), which is recorded."""

    permissions = DIRECTORY_PERMISSIONS
    serializer_class = IntegrityCheckSerializer
    parent_kwarg = "partner_id"

    def load_parent(self, parent_id: int) -> Any:
        return partner_get(organisation=self.organisation, partner_id=parent_id)

    def org_queryset(self) -> Any:
        return integrity_check_queryset(organisation=self.organisation, partner=self.parent)

    @extend_schema(summary="List a partner's integrity checks")
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.page(self.get_queryset())

    @extend_schema(
        summary="Record an integrity check",
        description="You are recorded as the reviewer. The next review defaults to a year "
        "after the check; a passing check lifts a suspension of named sharing at once. Give "
        "both `informed_on` and `informed_how`, or neither.",
        request=IntegrityCheckInput,
        responses={201: IntegrityCheckSerializer},
        examples=[
            OpenApiExample(
                "Passed",
                value={
                    "checked_on": "2026-01-10",
                    "outcome": "passed",
                    "checklist": {"governance_known": True, "named_contact": True},
                    "informed_on": "2026-01-05",
                    "informed_how": "letter",
                },
                request_only=True,
            )
        ],
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = IntegrityCheckInput(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        check = check_services.integrity_check_record(
            organisation=self.organisation,
            partner=self.parent,
            checked_on=fields["checked_on"],
            outcome=fields["outcome"],
            reviewer=request.user,
            checklist=fields.get("checklist") or {},
            notes=fields.get("notes", ""),
            next_review_on=fields.get("next_review_on"),
            informed_on=fields.get("informed_on"),
            informed_how=fields.get("informed_how", ""),
            actor=request.user,
        )
        check = self.get_queryset().get(pk=check.pk)
        return Response(self.get_serializer(check).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["partners"])
class IntegrityCheckViewSet(OrgViewSet):
    """One integrity check with its notes. Reading it is recorded, as on its page."""

    permissions = DIRECTORY_PERMISSIONS
    serializer_class = IntegrityCheckDetailSerializer

    def org_queryset(self) -> Any:
        return integrity_check_queryset(organisation=self.organisation)

    @extend_schema(summary="One integrity check, with its notes")
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        check: IntegrityCheck = self.get_object()
        audit_record(
            organisation=self.organisation,
            actor=request.user,
            action="integrity_check.viewed",
            target=check,
        )
        return Response(self.get_serializer(check).data)

    @extend_schema(
        summary="Record how the partner was informed",
        description="When and how the partner was told that the check is done, and why.",
        request=InformedInput,
        responses={200: IntegrityCheckSerializer},
    )
    def informed(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        check = self.get_object()
        data = InformedInput(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        check_services.integrity_check_mark_informed(
            organisation=self.organisation, check=check, actor=request.user, **data.validated_data
        )
        return Response(IntegrityCheckSerializer(check, context=self.get_serializer_context()).data)


urlpatterns = [
    *resource("partners/", PartnerViewSet, id_name="partner_id", name="partner"),
    *resource("agreements/", AgreementViewSet, id_name="agreement_id", name="agreement"),
    action_url(
        "partners/<int:partner_id>/checks/",
        PartnerCheckViewSet,
        {"get": "list", "post": "create"},
        name="partner-checks",
    ),
    *resource(
        "integrity-checks/", IntegrityCheckViewSet, id_name="check_id", name="integrity-check"
    ),
    action_url(
        "integrity-checks/<int:check_id>/informed/",
        IntegrityCheckViewSet,
        {"post": "informed"},
        name="integrity-check-informed",
    ),
]
