"""The evaluation API, under /api/v1/o/<org_slug>/evaluation/: the questionnaires (read), the
rounds (open, close) and the results (aggregates only, suppressed). Individual answers are
never served."""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from cocora.api.base import OrgViewSet, RoleLacksPermission, action_url, resource
from cocora.core.suppression import threshold_for
from cocora.organisations.permissions import can
from programmes.selectors.cohorts import cohort_get

from ..models import Instrument, Wave
from ..selectors import scale_changes
from ..selectors.waves import instrument_queryset, wave_queryset
from ..services.waves import wave_close, wave_open
from .serializers import (
    InstrumentSerializer,
    ResultsQuery,
    ResultsSerializer,
    WaveOpenInput,
    WaveSerializer,
)


@extend_schema(tags=["evaluation"])
class InstrumentViewSet(OrgViewSet):
    permissions = {"read": "evaluation.view"}
    serializer_class = InstrumentSerializer

    def org_queryset(self) -> QuerySet[Instrument]:
        return instrument_queryset(organisation=self.organisation)

    @extend_schema(summary="The organisation's questionnaires with their questions")
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.page(self.get_queryset())

    @extend_schema(summary="One questionnaire")
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self.get_serializer(self.get_object()).data)


@extend_schema(tags=["evaluation"])
class WaveViewSet(OrgViewSet):
    permissions = {
        "read": "evaluation.view",
        "create": "evaluation.manage",
        "close": "evaluation.manage",
    }
    serializer_class = WaveSerializer

    def org_queryset(self) -> QuerySet[Wave]:
        return wave_queryset(organisation=self.organisation, membership=self.membership)

    @extend_schema(summary="Questionnaire rounds of the cohorts you may see")
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.page(self.get_queryset())

    @extend_schema(summary="One round")
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        summary="Open a round",
        description="Opens (or reopens) the cohort's baseline, end or follow-up round and gives "
        "everyone with evaluation consent a one-time link. The baseline comes first.",
        request=WaveOpenInput,
        responses={201: WaveSerializer},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.validated(WaveOpenInput)
        cohort = cohort_get(
            organisation=self.organisation, membership=self.membership, cohort_id=data["cohort"].pk
        )
        wave = wave_open(
            organisation=self.organisation, cohort=cohort, kind=data["kind"], actor=request.user
        )
        answer = self.get_serializer(self.get_queryset().get(pk=wave.pk)).data
        return Response(answer, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Close a round", request=None, responses=WaveSerializer)
    def close(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        wave = wave_close(
            organisation=self.organisation, wave=self.get_object(), actor=request.user
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=wave.pk)).data)


@extend_schema(tags=["evaluation"])
class ResultsViewSet(OrgViewSet):
    permissions = {"read": "evaluation.view"}
    list_query_class = ResultsQuery

    @extend_schema(
        summary="Paired results per scale and question",
        description="For a cohort (trainers: their own), a programme or the whole organisation "
        "(admins and coordinators): pairs, means before and after, mean change, SD of change, "
        "effect size d_z, and people answering only once. Figures about fewer people than the "
        'threshold read "<N".',
        parameters=[ResultsQuery],
        responses=ResultsSerializer,
    )
    def results(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self._refuse_unknown_query_parameters(request)
        query = ResultsQuery(data=request.query_params, context=self.get_serializer_context())
        query.is_valid(raise_exception=True)
        data = query.validated_data
        cohort = data.get("cohort")
        if cohort is not None:
            cohort = cohort_get(
                organisation=self.organisation, membership=self.membership, cohort_id=cohort.pk
            )
        elif not can(self.membership, "evaluation.manage"):
            # Beyond one cohort only those who see every cohort may look.
            raise RoleLacksPermission()
        changes = scale_changes(
            organisation=self.organisation,
            cohort=cohort,
            programme=data.get("programme"),
            start=data.get("start"),
            end=data.get("end"),
        )
        return Response(
            ResultsSerializer(
                {"threshold": threshold_for(self.organisation), "scales": changes}
            ).data
        )


urlpatterns = [
    *resource(
        "evaluation/questionnaires/",
        InstrumentViewSet,
        id_name="instrument_id",
        name="questionnaire",
    ),
    action_url(
        "evaluation/results/", ResultsViewSet, {"get": "results"}, name="evaluation-results"
    ),
    *resource("evaluation/rounds/", WaveViewSet, id_name="wave_id", name="evaluation-round"),
    action_url(
        "evaluation/rounds/<int:wave_id>/close/",
        WaveViewSet,
        {"post": "close"},
        name="evaluation-round-close",
    ),
]
