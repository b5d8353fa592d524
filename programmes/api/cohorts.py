"""The API of cohorts and enrolments: the same selectors, services and permissions as the cohort
pages. A trainer reads only the cohorts they are assigned to (and their enrolments): any other
cohort is a 404, as for an id of another organisation. Only staff change cohorts and enrol.

An enrolment names its participant by id, display name and pseudonymous code, as the cohort and
attendance pages do for trainers: never contact details or anything else of the person's record.
"""

from collections.abc import Iterable
from typing import Any

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from cocora.accounts.models import User
from cocora.api.base import OrgViewSet, action_url, resource
from cocora.api.filters import IdFilter, MomentFilter
from cocora.api.serializers import (
    InputSerializer,
    OrgObjectField,
    PlausibleDateField,
    moment_writer,
)
from cocora.core.ids import MAX_ID, MAX_IDS
from cocora.organisations.models import Membership

from ..models import Cohort, Enrolment, EnrolmentStage, Programme
from ..selectors.cohorts import cohort_get, cohort_list, enrolment_list
from ..services import cohorts as services
from .curriculum import PersonSerializer

MAX_ENROLLED_AT_ONCE = 500

# SECTION: cohorts


class CohortSerializer(serializers.ModelSerializer):
    programme_title = serializers.CharField(source="programme.title", read_only=True)
    coordinator = PersonSerializer(read_only=True, allow_null=True)
    trainers = serializers.SerializerMethodField()
    places_taken = serializers.IntegerField(read_only=True)
    waiting = serializers.IntegerField(read_only=True)

    class Meta:
        model = Cohort
        fields = [
            "id",
            "programme",
            "programme_title",
            "name",
            "starts_on",
            "ends_on",
            "venue",
            "capacity",
            "places_taken",
            "waiting",
            "safe_space",
            "coordinator",
            "trainers",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(PersonSerializer(many=True))
    def get_trainers(self, cohort: Cohort) -> Any:
        # Prefetched by the selector (with_trainers=True): no query per cohort.
        return PersonSerializer([link.user for link in cohort.trainer_links.all()], many=True).data


class MemberField(OrgObjectField):
    """A user id of a member of the request's organisation (any role; the service checks that
    the role fits). Anyone else is answered like an id that does not exist."""

    def get_queryset(self) -> Any:
        organisation = self.context.get("organisation")
        if organisation is None:
            return User.objects.none()
        return User.objects.filter(
            pk__in=Membership.objects.for_org(organisation).values("user_id")
        )


def _user_ids(**kwargs: Any) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), max_length=MAX_IDS, **kwargs
    )


class CohortInput(InputSerializer):
    programme = OrgObjectField(Programme)
    name = serializers.CharField(max_length=200)
    starts_on = PlausibleDateField()
    ends_on = PlausibleDateField(required=False, allow_null=True, default=None)
    venue = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    capacity = serializers.IntegerField(min_value=1, max_value=5000, required=False, default=15)
    safe_space = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Session logs of a safe-space cohort record group-level themes and climate "
        "only: no confidential note.",
    )
    coordinator = MemberField(
        User,
        required=False,
        allow_null=True,
        default=None,
        help_text="User id of an admin or coordinator.",
    )
    trainers = _user_ids(
        required=False,
        default=list,
        help_text="User ids of trainers (or coordinators, admins). They see and log only the "
        "cohorts they are assigned to.",
    )


class CohortUpdateInput(InputSerializer):
    """Everything but the programme, which a cohort keeps: its sessions follow that
    curriculum."""

    name = serializers.CharField(max_length=200, required=False)
    starts_on = PlausibleDateField(required=False)
    ends_on = PlausibleDateField(required=False, allow_null=True)
    venue = serializers.CharField(max_length=200, required=False, allow_blank=True)
    capacity = serializers.IntegerField(min_value=1, max_value=5000, required=False)
    safe_space = serializers.BooleanField(required=False)
    coordinator = MemberField(User, required=False, allow_null=True)
    trainers = _user_ids(required=False, help_text="Replaces the cohort's trainers.")


class CohortFilter(django_filters.FilterSet):
    programme = IdFilter(field_name="programme_id")
    active = django_filters.BooleanFilter(
        method="filter_active",
        label="true: running today (started, not ended); false: not started yet or ended.",
    )
    changed_since = MomentFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = Cohort
        fields = ["programme", "active", "changed_since"]

    def filter_active(self, queryset: Any, name: str, value: bool) -> Any:
        today = timezone.localdate()
        running = Q(starts_on__lte=today) & (Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        return queryset.filter(running) if value else queryset.exclude(running)


@extend_schema(tags=["cohorts"])
class CohortViewSet(OrgViewSet):
    """Cohorts: staff see all of the organisation's, a trainer only those they are assigned
    to."""

    permissions = {"read": "cohorts.view", "write": "cohorts.manage"}
    serializer_class = CohortSerializer
    filterset_class = CohortFilter
    lookup_url_kwarg = "cohort_id"

    def org_queryset(self) -> Any:
        return cohort_list(
            organisation=self.organisation, membership=self.membership, with_trainers=True
        )

    def _output(self, cohort: Cohort) -> Any:
        # Read again through the selector: counts and trainers as on any read.
        return self.get_serializer(self.org_queryset().get(pk=cohort.pk)).data

    @extend_schema(summary="List cohorts", responses=CohortSerializer(many=True))
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.page(self.get_queryset())

    @extend_schema(
        summary="Open a cohort",
        request=CohortInput,
        responses={201: CohortSerializer},
        examples=[
            OpenApiExample(
                "A spring cohort",
                value={
                    "programme": 3,
                    "name": "Spring group",
                    "starts_on": "2026-03-02",
                    "ends_on": "2026-06-29",
                    "capacity": 15,
                    "coordinator": 7,
                    "trainers": [12, 15],
                },
                request_only=True,
            )
        ],
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.validated(CohortInput)
        trainer_ids = data.pop("trainers")
        cohort = services.cohort_create(
            organisation=self.organisation, trainer_ids=trainer_ids, **data
        )
        return Response(self._output(cohort), status=status.HTTP_201_CREATED)

    @extend_schema(summary="One cohort")
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        summary="Change a cohort",
        description="What is not sent stays as it is; `trainers` replaces the list. A new "
        "coordinator (who will read the confidential notes of the cohort's logs) must hold a "
        "coordinating role; the change is audited.",
        request=CohortUpdateInput,
        responses=CohortSerializer,
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        cohort = self.get_object()
        data = self.validated(CohortUpdateInput)
        trainer_ids = data.pop("trainers", None)
        if data:
            services.cohort_update(
                organisation=self.organisation, cohort=cohort, actor=request.user, **data
            )
        if trainer_ids is not None:
            services.cohort_set_trainers(
                organisation=self.organisation,
                cohort=cohort,
                trainer_ids=trainer_ids,
                actor=request.user,
            )
        return Response(self._output(cohort))


# SECTION: enrolments


class EnrolmentSerializer(serializers.ModelSerializer):
    display_name = serializers.CharField(source="participant.display_name", read_only=True)
    code = serializers.CharField(source="participant.code", read_only=True)

    class Meta:
        model = Enrolment
        fields = [
            "id",
            "cohort",
            "participant",
            "display_name",
            "code",
            "stage",
            "joined_on",
            "stage_changed_at",
        ]
        read_only_fields = fields


# What the enrolment list reads, as values: of the participant only the name and code (their
# encrypted contact columns were read and decrypted for every row before).
ENROLMENT_LIST_COLUMNS = (
    "pk",
    "cohort_id",
    "participant_id",
    "participant__display_name",
    "participant__code",
    "stage",
    "joined_on",
    "stage_changed_at",
)


def enrolment_summaries(lines: Iterable[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """Rows of ENROLMENT_LIST_COLUMNS as EnrolmentSerializer writes enrolments, in one pass:
    for a page of 200, a model object per enrolment and person took about 3.5 ms of CPU and
    the serializer's fields 2.5 ms more. The serializer stays the description (the schema) and
    writes single enrolments; a test holds the two equal."""
    moment = moment_writer()
    return [
        {
            "id": pk,
            "cohort": cohort_id,
            "participant": participant_id,
            "display_name": display_name,
            "code": code,
            "stage": stage,
            "joined_on": joined_on.isoformat(),
            "stage_changed_at": moment(stage_changed_at),
        }
        for (
            pk,
            cohort_id,
            participant_id,
            display_name,
            code,
            stage,
            joined_on,
            stage_changed_at,
        ) in lines
    ]


class EnrolInput(InputSerializer):
    participants = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        max_length=MAX_ENROLLED_AT_ONCE,
        help_text="Participant ids, in the order in which they take the free places.",
    )
    joined_on = PlausibleDateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Attendance counts from this day on; defaults to today.",
    )


class EnrolOutcome:
    ENROLLED = "enrolled"
    WAITLISTED = "waitlisted"
    APPLIED = "applied"
    REFUSED = "refused"
    CHOICES = (
        (ENROLLED, "Enrolled: holds a place."),
        (WAITLISTED, "On the waiting list: the cohort is full."),
        (APPLIED, "Recorded as applied: participation consent is missing (see `reason`)."),
        (REFUSED, "Nothing done: already in the cohort (see `enrolment`)."),
    )


class EnrolResultSerializer(serializers.Serializer):
    participant = serializers.IntegerField()
    outcome = serializers.ChoiceField(choices=EnrolOutcome.CHOICES)
    reason = serializers.CharField(allow_null=True)
    enrolment = EnrolmentSerializer(allow_null=True)


class EnrolResponseSerializer(serializers.Serializer):
    results = EnrolResultSerializer(many=True)


class StageInput(InputSerializer):
    stage = serializers.ChoiceField(choices=EnrolmentStage.choices)


class StagesInput(InputSerializer):
    enrolments = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        min_length=1,
        max_length=MAX_ENROLLED_AT_ONCE,
        help_text="Enrolment ids of this cohort.",
    )
    stage = serializers.ChoiceField(choices=EnrolmentStage.choices)


class StagesResponseSerializer(serializers.Serializer):
    changed = EnrolmentSerializer(many=True)


class EnrolmentFilter(django_filters.FilterSet):
    stage = django_filters.ChoiceFilter(choices=EnrolmentStage.choices)
    changed_since = MomentFilter(field_name="stage_changed_at", lookup_expr="gte")

    class Meta:
        model = Enrolment
        fields = ["stage", "changed_since"]


def _results(
    result: services.EnrolResult, order: list[int], enrolments: dict[int, Enrolment]
) -> list[dict[str, Any]]:
    """One line per participant asked for, in the order asked."""
    outcome: dict[int, tuple[str, str | None]] = {}
    for participant in result.enrolled:
        outcome[participant.pk] = (EnrolOutcome.ENROLLED, None)
    for participant in result.waitlisted:
        outcome[participant.pk] = (
            EnrolOutcome.WAITLISTED,
            _("The cohort is full: %(name)s is on the waiting list.")
            % {"name": participant.display_name},
        )
    for participant, missing in result.needs_consent:
        outcome[participant.pk] = (
            EnrolOutcome.APPLIED,
            _("%(name)s was added as applied: record %(missing)s before they can take part.")
            % {"name": participant.display_name, "missing": _(" and ").join(missing)},
        )
    for participant in result.already:
        outcome[participant.pk] = (
            EnrolOutcome.REFUSED,
            _("%(name)s is in this cohort already.") % {"name": participant.display_name},
        )
    return [
        {
            "participant": pk,
            "outcome": outcome[pk][0],
            "reason": outcome[pk][1],
            "enrolment": enrolments.get(pk),
        }
        for pk in order
    ]


@extend_schema(tags=["cohorts"])
class CohortEnrolmentViewSet(OrgViewSet):
    """A cohort's enrolments: who is in it, at which stage."""

    permissions = {"read": "cohorts.view", "write": "cohorts.manage"}
    serializer_class = EnrolmentSerializer
    filterset_class = EnrolmentFilter
    parent_kwarg = "cohort_id"

    def load_parent(self, parent_id: int) -> Cohort:
        return cohort_get(
            organisation=self.organisation, membership=self.membership, cohort_id=parent_id
        )

    def org_queryset(self) -> Any:
        return enrolment_list(
            organisation=self.organisation, membership=self.membership, cohort=self.parent
        )

    @extend_schema(
        summary="Move many enrolments to one stage",
        description="All or none: every move is checked first. Taking a place (enrolled, "
        "active) needs participation consent (409, code `conflict`) and enough free places "
        "for everyone moving in (409, code `cap`); the message names the people concerned and "
        "nothing changes. An id that is not an enrolment of this cohort refuses the request "
        "(400). Answers the enrolments that changed (those at that stage already are left as "
        "they are). Each change is audited; a constant number of queries whatever the count.",
        request=StagesInput,
        responses={200: StagesResponseSerializer},
        examples=[
            OpenApiExample(
                "Three people become active",
                value={"enrolments": [301, 302, 305], "stage": "active"},
                request_only=True,
            )
        ],
    )
    def change_stage(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.validated(StagesInput)
        changed = services.enrolments_stage_change(
            organisation=self.organisation,
            cohort=self.parent,
            enrolment_ids=data["enrolments"],
            stage=data["stage"],
            actor=request.user,
        )
        body = StagesResponseSerializer({"changed": changed}, context=self.get_serializer_context())
        return Response(body.data)

    @extend_schema(summary="List a cohort's enrolments", responses=EnrolmentSerializer(many=True))
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        enrolments = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(enrolments.values_list(*ENROLMENT_LIST_COLUMNS))
        return self.get_paginated_response(enrolment_summaries(page))

    @extend_schema(
        summary="Enrol participants",
        description="Enrols one or many participants in one request and answers what "
        "happened to each, in the order given: those with participation consent take the free "
        "places (`enrolled`), then the waiting list (`waitlisted`); those without consent are "
        "recorded as applied with what is missing (`applied`); someone in the cohort already "
        "is left as they are (`refused`). An id that is not a participant of the organisation "
        "refuses the whole request. 201 when at least one enrolment was created, else 200. A "
        "constant number of queries whatever the count.",
        request=EnrolInput,
        responses={201: EnrolResponseSerializer, 200: EnrolResponseSerializer},
        examples=[
            OpenApiExample("Three people", value={"participants": [41, 42, 57]}, request_only=True),
            OpenApiExample(
                "What happened",
                value={
                    "results": [
                        {
                            "participant": 41,
                            "outcome": "enrolled",
                            "reason": None,
                            "enrolment": {
                                "id": 301,
                                "cohort": 9,
                                "participant": 41,
                                "display_name": "Sami",
                                "code": "P-7K2QX",
                                "stage": "enrolled",
                                "joined_on": "2026-03-02",
                                "stage_changed_at": "2026-03-02T10:15:00+01:00",
                            },
                        },
                        {
                            "participant": 42,
                            "outcome": "applied",
                            "reason": "Lina was added as applied: record a parent's or "
                            "guardian's consent before they can take part.",
                            "enrolment": {"id": 302, "stage": "applied", "…": "…"},
                        },
                    ]
                },
                response_only=True,
            ),
        ],
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.validated(EnrolInput)
        order = list(dict.fromkeys(data["participants"]))
        result = services.enrolments_create(
            organisation=self.organisation,
            cohort=self.parent,
            participant_ids=order,
            actor=request.user,
            joined_on=data["joined_on"],
        )
        # One query for all the enrolments the answer shows, new and already there.
        enrolments = {
            e.participant_id: e for e in self.get_queryset().filter(participant_id__in=order)
        }
        results = _results(result, order, enrolments)
        body = EnrolResponseSerializer({"results": results}, context=self.get_serializer_context())
        created = bool(result.enrolled or result.waitlisted or result.needs_consent)
        return Response(
            body.data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


@extend_schema(tags=["cohorts"])
class EnrolmentViewSet(OrgViewSet):
    """One enrolment: a participant's place in a cohort and how far along they are."""

    permissions = {"read": "cohorts.view", "write": "cohorts.manage"}
    serializer_class = EnrolmentSerializer
    lookup_url_kwarg = "enrolment_id"

    def org_queryset(self) -> Any:
        return enrolment_list(organisation=self.organisation, membership=self.membership)

    @extend_schema(summary="One enrolment")
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        summary="Move an enrolment to another stage",
        description="Taking a place (enrolled, active) needs participation consent (409, code "
        "`conflict`) and a free place (409, code `cap`).",
        request=StageInput,
        responses=EnrolmentSerializer,
        examples=[OpenApiExample("Active", value={"stage": "active"}, request_only=True)],
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        enrolment = self.get_object()
        data = self.validated(StageInput)
        services.enrolment_change_stage(
            organisation=self.organisation,
            enrolment=enrolment,
            stage=data["stage"],
            actor=request.user,
        )
        return Response(self.get_serializer(enrolment).data)


urlpatterns = [
    *resource("cohorts/", CohortViewSet, id_name="cohort_id", name="cohort"),
    action_url(
        "cohorts/<int:cohort_id>/enrolments/",
        CohortEnrolmentViewSet,
        {"get": "list", "post": "create"},
        name="cohort-enrolments",
    ),
    action_url(
        "cohorts/<int:cohort_id>/enrolments/stage/",
        CohortEnrolmentViewSet,
        {"post": "change_stage"},
        name="cohort-enrolments-stage",
    ),
    *resource("enrolments/", EnrolmentViewSet, id_name="enrolment_id", name="enrolment"),
]
