"""The API of sessions, attendance and session logs: the same selectors, services and
permissions as the session pages. A trainer reaches only the sessions of the cohorts they are
assigned to; any other session is a 404, as for an id of another organisation.

Times are answered in the organisation's time zone (with their offset); times sent without an
offset are read in it too.
"""

from typing import Any
from zoneinfo import ZoneInfo

import django_filters
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from cocora.api.base import OrgViewSet, action_url, resource
from cocora.api.filters import IdFilter, MomentFilter
from cocora.api.serializers import (
    InputSerializer,
    OrgObjectField,
    PlausibleDateField,
    PlausibleDateTimeField,
    moment_writer,
)
from cocora.core.dates import organisation_today
from cocora.core.ids import MAX_ID, MAX_IDS

from ..models import (
    AttendanceStatus,
    Cohort,
    Module,
    Session,
    SessionLog,
    SessionStatus,
)
from ..selectors.calendar import MONTH, WEEK, calendar_sessions, calendar_span
from ..selectors.cohorts import cohort_get, session_list
from ..selectors.sessions import attendance_marks, session_clashes, session_log_get
from ..services import attendance as attendance_services
from ..services import session_logs as log_services
from ..services import sessions as services
from .curriculum import PersonSerializer

# SECTION: sessions


class ClashSerializer(serializers.Serializer):
    session = serializers.IntegerField(source="session_id", help_text="The other session's id.")
    cohort = serializers.IntegerField(source="cohort_id")
    cohort_name = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    trainers = serializers.ListField(
        child=serializers.IntegerField(),
        source="trainer_ids",
        help_text="User ids of the trainers booked into both sessions.",
    )


class SessionListSerializer(serializers.ListSerializer):
    """Finds the trainers' clashes of every session on the page in one query."""

    def to_representation(self, data: Any) -> Any:
        rows = list(data.all() if hasattr(data, "all") else data)
        self.clashes = session_clashes(
            organisation=self.context["organisation"],
            sessions=rows,
            viewer=self.context.get("membership"),
        )
        return super().to_representation(rows)


class SessionSerializer(serializers.ModelSerializer):
    cohort_name = serializers.CharField(source="cohort.name", read_only=True)
    module_title = serializers.CharField(source="module.title", read_only=True, allow_null=True)
    clashes = serializers.SerializerMethodField(
        help_text="A warning, not an error: other sessions of this organisation, overlapping "
        "this one in time, that one of its trainers is also booked into. Empty for a "
        "cancelled session."
    )

    @extend_schema_field(ClashSerializer(many=True))
    def get_clashes(self, session: Session) -> Any:
        parent = self.parent
        if isinstance(parent, SessionListSerializer):
            found = parent.clashes
        else:
            found = session_clashes(
                organisation=self.context["organisation"],
                sessions=[session],
                viewer=self.context.get("membership"),
            )
        return ClashSerializer(found.get(session.pk, []), many=True).data

    class Meta:
        model = Session
        fields = [
            "id",
            "cohort",
            "cohort_name",
            "module",
            "module_title",
            "starts_at",
            "ends_at",
            "venue",
            "status",
            "updated_at",
            "clashes",
        ]
        read_only_fields = fields
        list_serializer_class = SessionListSerializer


class SessionUpdateInput(InputSerializer):
    starts_at = PlausibleDateTimeField(required=False)
    ends_at = PlausibleDateTimeField(required=False)
    venue = serializers.CharField(max_length=200, required=False, allow_blank=True)
    module = OrgObjectField(
        Module, required=False, allow_null=True, help_text="A module of the cohort's programme."
    )
    status = serializers.ChoiceField(
        choices=SessionStatus.choices,
        required=False,
        help_text="`cancelled` takes the session out of attendance rates; `scheduled` "
        "reinstates it (as `held` when attendance was taken).",
    )


class SessionRuleInput(InputSerializer):
    first_date = PlausibleDateField()
    weekdays = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=6),
        help_text="0 = Monday … 6 = Sunday.",
    )
    every_n_weeks = serializers.IntegerField(required=False, default=1)
    start_time = serializers.TimeField(help_text="Local time of the organisation.")
    duration_minutes = serializers.IntegerField(required=False, default=120)
    count = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The number of sessions; give this or `until`.",
    )
    until = PlausibleDateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The last possible day (inclusive); give this or `count`.",
    )
    venue = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text="Defaults to the cohort's venue.",
    )
    link_modules = serializers.BooleanField(
        required=False,
        default=True,
        help_text="Link session N to module N of the curriculum, as far as there are modules.",
    )


class CohortSessionFilter(django_filters.FilterSet):
    starts_after = MomentFilter(field_name="starts_at", lookup_expr="gte")
    starts_before = MomentFilter(field_name="starts_at", lookup_expr="lt")
    status = django_filters.ChoiceFilter(choices=SessionStatus.choices)
    changed_since = MomentFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = Session
        fields = ["starts_after", "starts_before", "status", "changed_since"]


class SessionFilter(CohortSessionFilter):
    cohort = IdFilter(field_name="cohort_id")

    class Meta:
        model = Session
        fields = ["cohort", "starts_after", "starts_before", "status", "changed_since"]


@extend_schema(tags=["sessions"])
class SessionViewSet(OrgViewSet):
    """Sessions of the cohorts the caller may see (for a trainer: the cohorts they are assigned
    to), e.g. to keep a calendar in step with `starts_after` and `starts_before`."""

    permissions = {"read": "sessions.view", "write": "sessions.manage"}
    serializer_class = SessionSerializer
    filterset_class = SessionFilter
    lookup_url_kwarg = "session_id"

    def org_queryset(self) -> Any:
        return session_list(organisation=self.organisation, membership=self.membership)

    @extend_schema(summary="List sessions", responses=SessionSerializer(many=True))
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.page(self.get_queryset())

    @extend_schema(summary="One session")
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        summary="Move, edit, cancel or reinstate a session",
        description="What is not sent stays as it is. A session lasts at most 12 hours.",
        request=SessionUpdateInput,
        responses=SessionSerializer,
        examples=[
            OpenApiExample(
                "An hour later",
                value={"starts_at": "2026-05-04T18:00", "ends_at": "2026-05-04T20:00"},
                request_only=True,
            ),
            OpenApiExample("Cancelled", value={"status": "cancelled"}, request_only=True),
        ],
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        session = self.get_object()
        data = self.validated(SessionUpdateInput)
        new_status = data.pop("status", None)
        if data:
            services.session_update(
                organisation=self.organisation,
                session=session,
                starts_at=data.get("starts_at", session.starts_at),
                ends_at=data.get("ends_at", session.ends_at),
                venue=data.get("venue", session.venue),
                module=data.get("module", session.module),
            )
        if new_status is not None:
            services.session_set_status(
                organisation=self.organisation,
                session=session,
                status=new_status,
                actor=request.user,
            )
        return Response(self.get_serializer(session).data)


@extend_schema(tags=["sessions"])
class CohortSessionViewSet(OrgViewSet):
    """A cohort's sessions, and scheduling them from a rule."""

    permissions = {"read": "sessions.view", "write": "sessions.manage"}
    serializer_class = SessionSerializer
    filterset_class = CohortSessionFilter
    parent_kwarg = "cohort_id"

    def load_parent(self, parent_id: int) -> Cohort:
        return cohort_get(
            organisation=self.organisation, membership=self.membership, cohort_id=parent_id
        )

    def org_queryset(self) -> Any:
        return session_list(
            organisation=self.organisation, membership=self.membership, cohort=self.parent
        )

    @extend_schema(summary="List a cohort's sessions", responses=SessionSerializer(many=True))
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.page(self.get_queryset())

    @extend_schema(
        summary="Schedule sessions from a rule",
        description="Every `every_n_weeks` weeks on the chosen weekdays from `first_date`, at "
        "`start_time` in the organisation's time zone (the local time holds across daylight "
        "saving), for `count` sessions or until `until`; at most 200 at a time, and none after "
        "the cohort's end. One write; answers the sessions created.",
        request=SessionRuleInput,
        responses={201: SessionSerializer(many=True)},
        filters=False,
        examples=[
            OpenApiExample(
                "Ten Mondays",
                value={
                    "first_date": "2026-03-02",
                    "weekdays": [0],
                    "start_time": "16:00",
                    "duration_minutes": 120,
                    "count": 10,
                },
                request_only=True,
            )
        ],
    )
    def generate(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.validated(SessionRuleInput)
        venue, link_modules = data.pop("venue"), data.pop("link_modules")
        rule = services.SessionRule.from_data(data)
        created = services.sessions_generate(
            organisation=self.organisation,
            cohort=self.parent,
            rule=rule,
            venue=venue,
            link_modules=link_modules,
            actor=request.user,
        )
        return Response(
            self.get_serializer(created, many=True).data, status=status.HTTP_201_CREATED
        )


# SECTION: attendance


class MarkSerializer(serializers.Serializer):
    enrolment = serializers.IntegerField()
    participant = serializers.IntegerField()
    display_name = serializers.CharField()
    code = serializers.CharField()
    status = serializers.ChoiceField(
        choices=AttendanceStatus.choices, allow_null=True, help_text="null: not marked yet."
    )
    recorded_at = serializers.DateTimeField(allow_null=True)


class AttendanceSheetSerializer(serializers.Serializer):
    session = serializers.IntegerField()
    session_status = serializers.ChoiceField(choices=SessionStatus.choices)
    marks = MarkSerializer(many=True)


class MarkInput(InputSerializer):
    enrolment = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    status = serializers.ChoiceField(choices=AttendanceStatus.choices)


class AttendanceInput(InputSerializer):
    marks = MarkInput(many=True, max_length=5000)

    def validate_marks(self, marks: list[dict[str, Any]]) -> list[dict[str, Any]]:
        ids = [mark["enrolment"] for mark in marks]
        if len(ids) != len(set(ids)):
            raise serializers.ValidationError(_("Give each person's mark once."))
        return marks


@extend_schema(tags=["sessions"])
class AttendanceViewSet(OrgViewSet):
    """A session's attendance list: everyone holding a place who had joined by the session's
    day, with their mark."""

    permissions = {"read": "sessions.view", "write": "attendance.record"}
    serializer_class = SessionSerializer
    lookup_url_kwarg = "session_id"
    filter_backends: list[Any] = []
    pagination_class = None

    def org_queryset(self) -> Any:
        return session_list(organisation=self.organisation, membership=self.membership)

    def _sheet(self, session: Session) -> Any:
        """The sheet as AttendanceSheetSerializer writes it, in one pass over plain values:
        for 300 people, a model object per enrolment, person and mark took about 4 ms of CPU
        and the serializer's fields 2 ms more. The serializer stays the description (the
        schema); a test holds the two equal. Two queries whatever the number of people: the
        list, and the marks."""
        people = attendance_services.attendance_lines(
            organisation=self.organisation, session=session
        )
        marks = attendance_marks(organisation=self.organisation, session=session)
        moment = moment_writer()
        rows = []
        for person in people:
            mark = marks.get(person.enrolment_id)
            rows.append(
                {
                    "enrolment": person.enrolment_id,
                    "participant": person.participant_id,
                    "display_name": person.display_name,
                    "code": person.code,
                    "status": mark.status if mark else None,
                    "recorded_at": moment(mark.recorded_at) if mark else None,
                }
            )
        return {"session": session.pk, "session_status": session.status, "marks": rows}

    @extend_schema(summary="A session's attendance", responses=AttendanceSheetSerializer)
    def sheet(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self._sheet(self.get_object()))

    @extend_schema(
        summary="Save a session's attendance",
        description="Upserts the marks sent, in one request; marks not sent stay as they are. "
        "Idempotent: sending the same body again changes nothing (who recorded a mark and when "
        "stay those of the last real change). Marks the session held. Refused (409, code "
        "`conflict`) for a cancelled session or one on a later day; a person not on the list is "
        "a 400. A constant number of queries whatever the number of marks.",
        request=AttendanceInput,
        responses=AttendanceSheetSerializer,
        examples=[
            OpenApiExample(
                "Two people",
                value={
                    "marks": [
                        {"enrolment": 301, "status": "present"},
                        {"enrolment": 302, "status": "late"},
                    ]
                },
                request_only=True,
            )
        ],
    )
    def save(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        session = self.get_object()
        data = self.validated(AttendanceInput)
        attendance_services.attendance_save(
            organisation=self.organisation,
            session=session,
            statuses={mark["enrolment"]: mark["status"] for mark in data["marks"]},
            actor=request.user,
        )
        return Response(self._sheet(session))


# SECTION: session logs


class SessionLogSerializer(serializers.ModelSerializer):
    """A session log without its confidential note: the view adds the note for those who may
    read it, and for nobody else is the key there at all."""

    author = serializers.SerializerMethodField(
        help_text="Null once the author's account is deleted or they left the organisation "
        "(a former member); the log and its note stay."
    )
    safe_space = serializers.BooleanField(source="session.cohort.safe_space", read_only=True)
    updated_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="Null while no log was written."
    )
    activities = serializers.SerializerMethodField()

    class Meta:
        model = SessionLog
        fields = [
            "session",
            "author",
            "safe_space",
            "summary",
            "themes",
            "group_climate",
            "follow_ups",
            "activities",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(PersonSerializer(allow_null=True))
    def get_author(self, log: SessionLog) -> Any:
        # `author_is_member` comes from the selector; an unsaved (empty) log has no author.
        if log.author_id is None or not getattr(log, "author_is_member", False):
            return None
        return PersonSerializer(log.author).data

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_activities(self, log: SessionLog) -> list[int]:
        if log.pk is None:
            return []
        # Prefetched by the selector.
        return [covered.activity_id for covered in log.covered.all()]


class SessionLogDocSerializer(SessionLogSerializer):
    """The log as documented: with the note that only some callers receive."""

    confidential_note = serializers.CharField(
        required=False,
        help_text="Present only for the log's author and the cohort's coordinator (while they "
        "hold a coordinating role); for anyone else the key is absent. Reading a note that "
        "says something is audited.",
    )

    class Meta(SessionLogSerializer.Meta):
        fields = [*SessionLogSerializer.Meta.fields, "confidential_note"]
        read_only_fields = SessionLogSerializer.Meta.fields


class SessionLogInput(InputSerializer):
    summary = serializers.CharField(required=False, allow_blank=True, default="")
    themes = serializers.CharField(required=False, allow_blank=True, default="")
    group_climate = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        max_value=5,
        help_text="1 (tense) to 5 (open and trusting).",
    )
    follow_ups = serializers.CharField(required=False, allow_blank=True, default="")
    confidential_note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Only the author writes it (the coordinator may send it back unchanged); "
        "refused in a safe-space cohort. Left out or empty, a note someone else wrote stays.",
    )
    activities = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        max_length=MAX_IDS,
        required=False,
        default=list,
        help_text="Ids of the activities of the cohort's programme that were covered.",
    )


@extend_schema(tags=["sessions"])
class SessionLogViewSet(OrgViewSet):
    """The trainer's record of a session."""

    # As the page: reading and writing the log are one permission.
    permissions = {"read": "session_logs.write", "write": "session_logs.write"}
    serializer_class = SessionLogSerializer
    lookup_url_kwarg = "session_id"
    filter_backends: list[Any] = []
    pagination_class = None

    def org_queryset(self) -> Any:
        return session_list(organisation=self.organisation, membership=self.membership)

    def _output(self, session: Session, log: SessionLog | None) -> Any:
        if log is None:
            # Nothing written yet: an empty log, and no note to show.
            return self.get_serializer(SessionLog(session=session)).data
        data = self.get_serializer(log).data
        note = log_services.session_log_note_read(
            organisation=self.organisation,
            log=log,
            user=self.request.user,
            role=self.membership.role,
        )
        if note is not None:
            data["confidential_note"] = note
        return data

    @extend_schema(
        summary="A session's log",
        description="An empty log (no author, `updated_at` null) while none was written.",
        responses=SessionLogDocSerializer,
    )
    def log(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        session = self.get_object()
        return Response(
            self._output(session, session_log_get(organisation=self.organisation, session=session))
        )

    @extend_schema(
        summary="Write a session's log",
        description="Creates the log (201; the caller becomes its author) or replaces its "
        "fields (200). In a safe-space cohort the log holds group-level notes only.",
        request=SessionLogInput,
        responses={200: SessionLogDocSerializer, 201: SessionLogDocSerializer},
    )
    def save(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        session = self.get_object()
        data = self.validated(SessionLogInput)
        existed = session_log_get(organisation=self.organisation, session=session) is not None
        log_services.session_log_save(
            organisation=self.organisation,
            session=session,
            author=request.user,
            summary=data["summary"],
            themes=data["themes"],
            group_climate=data["group_climate"],
            follow_ups=data["follow_ups"],
            confidential_note=data["confidential_note"],
            activity_ids=data["activities"],
        )
        log = session_log_get(organisation=self.organisation, session=session)
        return Response(
            self._output(session, log),
            status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
        )


class CalendarQuery(InputSerializer):
    view = serializers.ChoiceField(
        choices=[(WEEK, "week"), (MONTH, "month")],
        required=False,
        default=WEEK,
        help_text="A week (Monday to Sunday) or the whole weeks that hold a month.",
    )
    day = PlausibleDateField(
        required=False, help_text="A day in the week or month; today when left out."
    )
    trainer = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="Only this trainer's cohorts."
    )
    cohort = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="Only this cohort."
    )


class CalendarSerializer(serializers.Serializer):
    view = serializers.CharField()
    first = serializers.DateField(help_text="The first day shown (a Monday).")
    last = serializers.DateField(help_text="The last day shown (a Sunday).")
    sessions = SessionSerializer(many=True)


@extend_schema(tags=["sessions"])
class CalendarViewSet(OrgViewSet):
    """The sessions calendar: the same days, scope and filters as the Calendar page."""

    permissions = {"read": "sessions.view"}
    serializer_class = SessionSerializer
    pagination_class = None
    filter_backends: list[Any] = []

    @extend_schema(
        summary="A week or month of sessions",
        description="Every session the caller may see (a trainer: the sessions of their "
        "cohorts, in any week) that starts in the week or the whole weeks of the month "
        "around `day`, in the organisation's time zone. Cancelled sessions are included "
        "with their status.",
        parameters=[CalendarQuery],
        responses=CalendarSerializer,
    )
    def calendar(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        params = CalendarQuery(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        span = calendar_span(
            view=data["view"], day=data.get("day") or organisation_today(self.organisation)
        )
        starts_after, starts_before = span.bounds(ZoneInfo(self.organisation.time_zone))
        sessions = calendar_sessions(
            organisation=self.organisation,
            membership=self.membership,
            starts_after=starts_after,
            starts_before=starts_before,
            trainer_id=data.get("trainer"),
            cohort_id=data.get("cohort"),
        )
        return Response(
            {
                "view": span.view,
                "first": span.first,
                "last": span.last,
                "sessions": SessionSerializer(
                    sessions, many=True, context=self.get_serializer_context()
                ).data,
            }
        )


urlpatterns = [
    action_url("sessions/calendar/", CalendarViewSet, {"get": "calendar"}, name="session-calendar"),
    *resource("sessions/", SessionViewSet, id_name="session_id", name="session"),
    action_url(
        "cohorts/<int:cohort_id>/sessions/",
        CohortSessionViewSet,
        {"get": "list"},
        name="cohort-sessions",
    ),
    action_url(
        "cohorts/<int:cohort_id>/sessions/generate/",
        CohortSessionViewSet,
        {"post": "generate"},
        name="cohort-sessions-generate",
    ),
    action_url(
        "sessions/<int:session_id>/attendance/",
        AttendanceViewSet,
        {"get": "sheet", "put": "save"},
        name="session-attendance",
    ),
    action_url(
        "sessions/<int:session_id>/log/",
        SessionLogViewSet,
        {"get": "log", "put": "save"},
        name="session-log",
    ),
]
