"""Objectives, indicators (with their progress) and funder reports (with their figures) through
the API, under /api/v1/o/<org_slug>/. The same services, roles and small-cell rule as the
pages."""

from typing import Any

import django_filters
from drf_spectacular.utils import OpenApiTypes, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from cocora.api.base import OrgViewSet, action_url, resource
from cocora.api.filters import IdFilter
from cocora.core.dates import organisation_today

from .. import services
from ..documents import report_json
from ..models import FunderReport, Indicator, Objective
from ..selectors import indicator_queryset, objective_queryset, progress_of, report_queryset
from .serializers import (
    FunderReportChangeInput,
    FunderReportInput,
    FunderReportSerializer,
    IndicatorChangeInput,
    IndicatorInput,
    IndicatorSerializer,
    ObjectiveChangeInput,
    ObjectiveInput,
    ObjectiveSerializer,
)

IMPACT_PERMISSIONS = {"read": "impact.view", "write": "impact.manage"}
REPORT_PERMISSIONS = {"read": "impact_reports.view", "write": "impact_reports.manage"}


class ObjectiveFilter(django_filters.FilterSet):
    programme = IdFilter(field_name="programme_id")

    class Meta:
        model = Objective
        fields = ["programme"]


@extend_schema(tags=["impact"])
class ObjectiveViewSet(OrgViewSet):
    """A programme's objectives; their indicators are under `indicators/?objective=`."""

    permissions = IMPACT_PERMISSIONS
    serializer_class = ObjectiveSerializer
    filterset_class = ObjectiveFilter

    def org_queryset(self) -> Any:
        return objective_queryset(organisation=self.organisation).order_by("title", "pk")

    @extend_schema(summary="List objectives")
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.page(self.get_queryset())

    @extend_schema(
        summary="Set an objective", request=ObjectiveInput, responses={201: ObjectiveSerializer}
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = dict(self.validated(ObjectiveInput))
        objective = services.objective_create(
            organisation=self.organisation, actor=request.user, **data
        )
        return Response(self.get_serializer(objective).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="One objective")
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(summary="Change an objective", request=ObjectiveChangeInput)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        objective = services.objective_update(
            organisation=self.organisation,
            objective=self.get_object(),
            actor=request.user,
            **self.validated(ObjectiveChangeInput),
        )
        return Response(self.get_serializer(objective).data)

    @extend_schema(summary="Delete an objective and its indicators")
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        services.objective_delete(
            organisation=self.organisation, objective=self.get_object(), actor=request.user
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class IndicatorFilter(django_filters.FilterSet):
    objective = IdFilter(field_name="objective_id")
    programme = IdFilter(field_name="objective__programme_id")

    class Meta:
        model = Indicator
        fields = ["objective", "programme"]


@extend_schema(tags=["impact"])
class IndicatorViewSet(OrgViewSet):
    """Indicators with their value today (over their own period), n and state. Query counts do
    not grow with the data: one per output metric on the page."""

    permissions = IMPACT_PERMISSIONS
    serializer_class = IndicatorSerializer
    filterset_class = IndicatorFilter

    def org_queryset(self) -> Any:
        return indicator_queryset(organisation=self.organisation)

    def _answer(self, indicators: list[Indicator]) -> Any:
        progress = progress_of(
            organisation=self.organisation,
            indicators=indicators,
            today=organisation_today(self.organisation),
        )
        return self.get_serializer_class()(
            indicators,
            many=True,
            context={
                **self.get_serializer_context(),
                "progress": {p.indicator.pk: p for p in progress},
            },
        ).data

    @extend_schema(summary="List indicators with their progress")
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        rows = list(self.paginate_queryset(self.filter_queryset(self.get_queryset())))
        return self.get_paginated_response(self._answer(rows))

    @extend_schema(
        summary="Set an indicator", request=IndicatorInput, responses={201: IndicatorSerializer}
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = dict(self.validated(IndicatorInput))
        indicator = services.indicator_create(
            organisation=self.organisation, actor=request.user, **data
        )
        return Response(self._one(indicator.pk), status=status.HTTP_201_CREATED)

    def _one(self, indicator_id: int) -> Any:
        return self._answer([self.get_queryset().get(pk=indicator_id)])[0]

    @extend_schema(summary="One indicator with its progress")
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self._one(self.get_object().pk))

    @extend_schema(
        summary="Change an indicator",
        description="Only the fields sent change; the whole indicator is checked again.",
        request=IndicatorChangeInput,
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        indicator = services.indicator_update(
            organisation=self.organisation,
            indicator=self.get_object(),
            actor=request.user,
            **self.validated(IndicatorChangeInput),
        )
        return Response(self._one(indicator.pk))

    @extend_schema(summary="Delete an indicator")
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        services.indicator_delete(
            organisation=self.organisation, indicator=self.get_object(), actor=request.user
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class FunderReportFilter(django_filters.FilterSet):
    programme = IdFilter(field_name="programme_id")

    class Meta:
        model = FunderReport
        fields = ["programme"]


@extend_schema(tags=["impact"])
class FunderReportViewSet(OrgViewSet):
    """Funder reports: a programme, a period and a narrative. Their figures are under
    `reports/<id>/figures/`."""

    permissions = {**REPORT_PERMISSIONS, "figures": "impact_reports.view"}
    serializer_class = FunderReportSerializer
    filterset_class = FunderReportFilter

    def org_queryset(self) -> Any:
        return report_queryset(organisation=self.organisation)

    @extend_schema(summary="List funder reports")
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.page(self.get_queryset())

    @extend_schema(
        summary="Start a funder report",
        request=FunderReportInput,
        responses={201: FunderReportSerializer},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = dict(self.validated(FunderReportInput))
        report = services.funder_report_create(
            organisation=self.organisation, actor=request.user, **data
        )
        return Response(self.get_serializer(report).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="One funder report")
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(summary="Change a funder report", request=FunderReportChangeInput)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        report = services.funder_report_update(
            organisation=self.organisation,
            report=self.get_object(),
            actor=request.user,
            **self.validated(FunderReportChangeInput),
        )
        return Response(self.get_serializer(report).data)

    @extend_schema(summary="Delete a funder report")
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        services.funder_report_delete(
            organisation=self.organisation, report=self.get_object(), actor=request.user
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="The figures of a funder report",
        description="Outputs over the report's period with their targets, and the paired change "
        "per questionnaire scale. A figure about fewer people than the organisation's threshold "
        'has `"value": null, "suppressed": true` and the text "<5".',
        responses={200: OpenApiTypes.OBJECT},
    )
    def figures(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(report_json(organisation=self.organisation, report=self.get_object()))


urlpatterns = [
    *resource("objectives/", ObjectiveViewSet, id_name="objective_id", name="objective"),
    *resource("indicators/", IndicatorViewSet, id_name="indicator_id", name="indicator"),
    *resource("reports/", FunderReportViewSet, id_name="report_id", name="report"),
    action_url(
        "reports/<int:report_id>/figures/",
        FunderReportViewSet,
        {"get": "figures"},
        name="report-figures",
    ),
]
