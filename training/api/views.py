"""Courses, training records and the refreshers due through the API, under
/api/v1/o/<org_slug>/training/. The same services and roles as the pages: staff manage,
trainers and ambassadors read their own records only."""

from typing import Any

import django_filters
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from ambassadors.models import Ambassador
from cocora.api.base import OrgViewSet, resource
from cocora.api.filters import IdFilter
from cocora.core.dates import organisation_today
from cocora.organisations.models import Membership

from .. import services
from ..models import TrainingRecord
from ..selectors import course_list, record_list, refreshers_due
from .serializers import (
    CourseChangeInput,
    CourseInput,
    CourseSerializer,
    RefresherDueSerializer,
    TrainingRecordInput,
    TrainingRecordSerializer,
)

PERMISSIONS = {"read": "training.view", "write": "training.manage"}


@extend_schema(tags=["training"])
class CourseViewSet(OrgViewSet):
    """The organisation's training courses."""

    permissions = PERMISSIONS
    serializer_class = CourseSerializer

    def org_queryset(self) -> Any:
        return course_list(organisation=self.organisation)

    @extend_schema(summary="List training courses")
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.page(self.get_queryset())

    @extend_schema(summary="Add a course", request=CourseInput, responses={201: CourseSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        course = services.course_create(
            organisation=self.organisation, actor=request.user, **self.validated(CourseInput)
        )
        return Response(self.get_serializer(course).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="One course")
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(summary="Change a course", request=CourseChangeInput)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        course = services.course_update(
            organisation=self.organisation,
            course=self.get_object(),
            actor=request.user,
            **self.validated(CourseChangeInput),
        )
        return Response(self.get_serializer(course).data)

    @extend_schema(summary="Delete a course nobody has completed")
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        services.course_delete(
            organisation=self.organisation, course=self.get_object(), actor=request.user
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class TrainingRecordFilter(django_filters.FilterSet):
    course = IdFilter(field_name="course_id")
    member = IdFilter(field_name="membership_id")
    ambassador = IdFilter(field_name="ambassador_id")

    class Meta:
        model = TrainingRecord
        fields = ["course", "member", "ambassador"]


def _by_ids(queryset: Any, ids: list[int], field: str) -> list[Any]:
    wanted = list(dict.fromkeys(ids))
    found = {obj.pk: obj for obj in queryset.filter(pk__in=wanted)}
    missing = [pk for pk in wanted if pk not in found]
    if missing:
        raise serializers.ValidationError(
            {
                field: [
                    _("There is no such object in this organisation: %(id)s.") % {"id": missing[0]}
                ]
            }
        )
    return [found[pk] for pk in wanted]


@extend_schema(tags=["training"])
class TrainingRecordViewSet(OrgViewSet):
    """Completed courses. Staff see and record everyone's; trainers and ambassadors see their
    own only."""

    permissions = PERMISSIONS
    serializer_class = TrainingRecordSerializer
    filterset_class = TrainingRecordFilter

    def org_queryset(self) -> Any:
        return record_list(organisation=self.organisation, viewer=self.membership)

    @extend_schema(summary="List training records")
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.page(self.get_queryset())

    @extend_schema(
        summary="Record a completed course for several people",
        description="One course, one day, many people: members (trainers, coordinators, "
        "admins) and ambassadors. Anyone already recorded for that course on that day is left "
        "as they are. Answers the records created. A fixed number of queries whatever the "
        "count.",
        request=TrainingRecordInput,
        responses={201: TrainingRecordSerializer(many=True)},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.validated(TrainingRecordInput)
        members = _by_ids(
            Membership.objects.for_org(self.organisation), data.get("members", []), "members"
        )
        young = _by_ids(
            Ambassador.objects.for_org(self.organisation),
            data.get("ambassadors", []),
            "ambassadors",
        )
        created = services.training_record_create_many(
            organisation=self.organisation,
            course=data["course"],
            completed_on=data["completed_on"],
            memberships=members,
            ambassadors=young,
            hours=data.get("hours"),
            note=data.get("note", ""),
            actor=request.user,
        )
        rows = self.get_queryset().filter(pk__in=[record.pk for record in created])
        return Response(self.get_serializer(rows, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="One training record")
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(summary="Remove a training record entered by mistake")
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        services.training_record_delete(
            organisation=self.organisation, record=self.get_object(), actor=request.user
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["training"])
class RefresherDueViewSet(OrgViewSet):
    """Refreshers overdue or due in the next 30 days (the organisation's days), soonest first:
    each person's latest completion of each course with a refresher interval."""

    permissions = {"read": "training.manage"}
    serializer_class = RefresherDueSerializer

    def org_queryset(self) -> Any:
        return record_list(organisation=self.organisation, viewer=self.membership)

    @extend_schema(summary="List the refreshers due")
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        rows = refreshers_due(
            organisation=self.organisation, today=organisation_today(self.organisation)
        )
        page = self.paginate_queryset([row.record for row in rows])
        standings = {row.record.pk: row for row in rows}  # type: ignore[union-attr]
        serializer = self.get_serializer_class()(
            page, many=True, context={**self.get_serializer_context(), "standings": standings}
        )
        return self.get_paginated_response(serializer.data)


urlpatterns = [
    *resource("training/courses/", CourseViewSet, id_name="course_id", name="training-course"),
    *resource(
        "training/records/",
        TrainingRecordViewSet,
        id_name="training_record_id",
        name="training-record",
    ),
    *resource(
        "training/refreshers-due/",
        RefresherDueViewSet,
        id_name="training_record_id",
        name="training-refresher-due",
    ),
]
