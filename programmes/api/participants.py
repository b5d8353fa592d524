"""The participants API: the minimised records of young people, and their consents.

The same rules as the pages: `participants.view` to read (staff only: trainers, ambassadors and
partner contacts are refused), `participants.manage` to add and edit, `consents.manage` to record
and withdraw consents. Reading one participant's record is written to the audit trail, as on the
participant page. Which fields a role sees is one explicit map, PARTICIPANT_FIELDS_BY_ROLE.
"""

from collections.abc import Iterable
from typing import Any

import django_filters
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_field
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from cocora.api.base import OrgViewSet, action_url, resource
from cocora.api.filters import MomentFilter
from cocora.api.serializers import (
    InputSerializer,
    PlausibleDateField,
    PlausibleDateTimeField,
    moment_writer,
)
from cocora.organisations.models import Role
from programmes.exports import EXPORT_FORMATS, participants_export
from programmes.models import (
    Consent,
    ConsentGiver,
    ConsentScope,
    Enrolment,
    EnrolmentStage,
    Participant,
)
from programmes.selectors.participants import (
    ConsentState,
    ParticipantRow,
    consent_list,
    participant_queryset,
    participant_rows,
    participant_rows_enrolments,
)
from programmes.services.consent import (
    BULK_MAX,
    consent_is_active,
    consent_record,
    consent_record_many,
    consent_withdraw,
)
from programmes.services.participants import (
    participant_create,
    participant_record_viewed,
    participant_update,
)

# -- who sees which fields ---------------------------------------------------------------------

# The encrypted contact and guardian details.
CONTACT_FIELDS = frozenset({"email", "phone", "guardian_name", "guardian_email", "guardian_phone"})
RECORD_FIELDS = frozenset(
    {
        "id",
        "code",
        "display_name",
        "birth_year",
        "preferred_language",
        "created_at",
        "updated_at",
        "consent_complete",
        "consent_missing",
        "can_be_contacted",
        "enrolments",
    }
)
# The policy, from what the pages show each role. Admins and coordinators see the participant
# list and page (name, code, year of birth, consent state, cohorts) and, on the edit form, the
# contact and guardian details. Trainers, ambassadors and partner contacts hold no
# participants.view: every participant endpoint refuses them (403) before this map is read.
# (Trainers see the names and codes of their own cohorts' people through the cohort and session
# resources.) A role missing here sees no field at all: fail closed.
PARTICIPANT_FIELDS_BY_ROLE: dict[str, frozenset[str]] = {
    Role.ADMIN: RECORD_FIELDS | CONTACT_FIELDS,
    Role.COORDINATOR: RECORD_FIELDS | CONTACT_FIELDS,
}
# Whatever the role, the list carries no contact details: they come one record at a time, from
# the read that is written to the audit trail (a list would hand out everyone's unrecorded).
LIST_WITHHOLDS = CONTACT_FIELDS


def participant_fields(role: str, *, listing: bool) -> frozenset[str]:
    fields = PARTICIPANT_FIELDS_BY_ROLE.get(role, frozenset())
    return fields - LIST_WITHHOLDS if listing else fields


# -- output ------------------------------------------------------------------------------------


class ParticipantEnrolmentSerializer(serializers.ModelSerializer):
    # Writes the selector's EnrolmentLine values, not Enrolment objects (no docstring: it
    # would become the schema's description).
    cohort = serializers.IntegerField(source="cohort_id", read_only=True)
    cohort_name = serializers.CharField(read_only=True)

    class Meta:
        model = Enrolment
        fields = ["id", "cohort", "cohort_name", "stage", "joined_on"]
        read_only_fields = fields


class ParticipantSummarySerializer(serializers.Serializer):
    """A participant as listed: no contact details. Fields are narrowed to the caller's role
    (PARTICIPANT_FIELDS_BY_ROLE) through the `visible_fields` context."""

    id = serializers.IntegerField(source="participant.pk")
    code = serializers.CharField(
        source="participant.code", help_text="The pseudonymous code, e.g. P-7KQ2MX."
    )
    display_name = serializers.CharField(source="participant.display_name")
    birth_year = serializers.IntegerField(source="participant.birth_year", allow_null=True)
    preferred_language = serializers.CharField(source="participant.preferred_language")
    created_at = serializers.DateTimeField(source="participant.created_at")
    updated_at = serializers.DateTimeField(source="participant.updated_at")
    consent_complete = serializers.BooleanField(
        help_text="Whether the consent to take part is complete (below the age of digital "
        "consent: a guardian's consent and the young person's own agreement)."
    )
    consent_missing = serializers.ListField(
        source="missing",
        child=serializers.CharField(),
        help_text="What the consent to take part still lacks, in words; empty when complete.",
    )
    can_be_contacted = serializers.BooleanField(
        help_text="Whether a consent to contact by email or SMS is in force."
    )
    enrolments = ParticipantEnrolmentSerializer(many=True)

    class Meta:
        # Read by OrgViewSet.get_queryset while the schema is generated; the serializer itself
        # renders ParticipantRow objects (participant_rows), not model instances.
        model = Participant

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        visible = self.context.get("visible_fields")
        if visible is None:
            # Describing the API (no request): every field some role may see.
            return fields
        return {name: field for name, field in fields.items() if name in visible}


# The list's fields in the serializer's order (the order of the keys in the JSON).
SUMMARY_FIELDS = tuple(ParticipantSummarySerializer().fields)


def participant_summaries(
    rows: Iterable[ParticipantRow], *, visible: frozenset[str]
) -> list[dict[str, Any]]:
    """The list's rows as ParticipantSummarySerializer writes them, in one pass over plain
    values: DRF's machinery per field and row (attribute lookups, a nested serializer for each
    person's enrolments) took about 5 ms of CPU for a page of 200. The serializer stays the
    description of the fields (the schema) and writes the one-record reads; a test holds the
    two equal."""
    moment = moment_writer()
    names = [name for name in SUMMARY_FIELDS if name in visible]
    summaries = []
    for row in rows:
        participant = row.participant
        summary = {
            "id": participant.pk,
            "code": participant.code,
            "display_name": participant.display_name,
            "birth_year": participant.birth_year,
            "preferred_language": participant.preferred_language,
            "created_at": moment(participant.created_at),
            "updated_at": moment(participant.updated_at),
            "consent_complete": not row.missing,
            "consent_missing": [str(text) for text in row.missing],
            "can_be_contacted": row.can_be_contacted,
            "enrolments": [
                {
                    "id": line.id,
                    "cohort": line.cohort_id,
                    "cohort_name": line.cohort_name,
                    "stage": line.stage,
                    "joined_on": line.joined_on.isoformat(),
                }
                for line in row.enrolments
            ],
        }
        summaries.append({name: summary[name] for name in names})
    return summaries


class ParticipantSerializer(ParticipantSummarySerializer):
    """One participant's record, with the contact and guardian details for the roles that may
    see them (admins and coordinators)."""

    email = serializers.CharField(source="participant.email")
    phone = serializers.CharField(source="participant.phone")
    guardian_name = serializers.CharField(source="participant.guardian_name")
    guardian_email = serializers.CharField(source="participant.guardian_email")
    guardian_phone = serializers.CharField(source="participant.guardian_phone")


class ConsentSerializer(serializers.ModelSerializer):
    in_force = serializers.SerializerMethodField(
        help_text="Not withdrawn, and today lies between given_on and expires_on."
    )

    class Meta:
        model = Consent
        fields = [
            "id",
            "participant",
            "scope",
            "given_by",
            "given_on",
            "expires_on",
            "withdrawn_at",
            "recorded_at",
            "in_force",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_in_force(self, consent: Consent) -> bool:
        today = self.context.get("today") or timezone.localdate()
        return consent_is_active(consent, today=today)


# -- input -------------------------------------------------------------------------------------


class ParticipantInput(InputSerializer):
    display_name = serializers.CharField(
        max_length=80, help_text="A first name or a nickname is enough."
    )
    birth_year = serializers.IntegerField(
        required=False, allow_null=True, min_value=1900, max_value=2100
    )
    preferred_language = serializers.ChoiceField(
        choices=settings.LANGUAGES, required=False, allow_blank=True
    )
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    guardian_name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    guardian_email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    guardian_phone = serializers.CharField(max_length=32, required=False, allow_blank=True)


class ParticipantUpdateInput(ParticipantInput):
    """Only the fields sent are changed (PATCH)."""

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs:
            raise serializers.ValidationError(_("Send at least one field to change."))
        return attrs


class ParticipantListQuery(serializers.Serializer):
    """The participant page's filters, and `changed_since` for syncing."""

    changed_since = PlausibleDateTimeField(
        required=False, help_text="Changed at or after this time (ISO 8601)."
    )

    search = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text="Part of a name or code."
    )
    cohort = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=2**63 - 1,
        help_text="People enrolled in it (any stage).",
    )
    stage = serializers.ChoiceField(
        choices=EnrolmentStage.choices,
        required=False,
        allow_blank=True,
        help_text="People with an enrolment in this stage (in the cohort, when one is given).",
    )
    consent = serializers.ChoiceField(
        choices=[
            (ConsentState.COMPLETE, "complete"),
            (ConsentState.MISSING, "missing"),
        ],
        required=False,
        allow_blank=True,
        help_text="Whether the consent to take part is complete or still missing something.",
    )


class ConsentInput(InputSerializer):
    scope = serializers.ChoiceField(choices=ConsentScope.choices)
    given_by = serializers.ChoiceField(choices=ConsentGiver.choices)
    given_on = PlausibleDateField()
    expires_on = PlausibleDateField(required=False, allow_null=True)


def _participant_ids() -> serializers.ListField:
    return serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        min_length=1,
        max_length=BULK_MAX,
        help_text=f"The participants' ids (at most {BULK_MAX}).",
    )


class ConsentBulkInput(ConsentInput):
    """The same consent for several people at once, e.g. forms received on paper."""

    participants = _participant_ids()


class ParticipantExportInput(InputSerializer):
    participants = _participant_ids()
    format = serializers.ChoiceField(choices=list(EXPORT_FORMATS))


class ConsentFilter(django_filters.FilterSet):
    scope = django_filters.ChoiceFilter(choices=ConsentScope.choices)
    given_by = django_filters.ChoiceFilter(choices=ConsentGiver.choices)
    changed_since = MomentFilter(
        method="filter_changed_since",
        label=gettext_lazy("Recorded or withdrawn at or after this time (ISO 8601)."),
    )

    class Meta:
        model = Consent
        fields = ["scope", "given_by", "changed_since"]

    def filter_changed_since(self, queryset: QuerySet[Consent], name: str, value: Any) -> Any:
        # A consent changes twice at most: when it is recorded and when it is withdrawn.
        return queryset.filter(Q(recorded_at__gte=value) | Q(withdrawn_at__gte=value))


# -- views -------------------------------------------------------------------------------------

PARTICIPANT_EXAMPLE = OpenApiExample(
    "A young person below the age of digital consent",
    value={
        "display_name": "Sami",
        "birth_year": 2011,
        "preferred_language": "da",
        "guardian_name": "Leila",
        "guardian_phone": "+45 20 00 00 00",
    },
    request_only=True,
)


@extend_schema(tags=["participants"])
class ParticipantViewSet(OrgViewSet):
    """The participants of the organisation, as on the participant pages."""

    permissions = {
        "list": "participants.view",
        "retrieve": "participants.view",
        "create": "participants.manage",
        "partial_update": "participants.manage",
        "read": "participants.view",
        "write": "participants.manage",
    }
    serializer_class = ParticipantSerializer
    filter_backends: list[Any] = []  # the page's filters, applied by the selector
    list_query_class = ParticipantListQuery

    def org_queryset(self) -> Any:
        return participant_queryset(organisation=self.organisation)

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        membership = context.get("membership")
        if membership is not None:  # None only while the schema is generated
            context["visible_fields"] = participant_fields(
                membership.role, listing=self.action == "list"
            )
        return context

    def _rows(self, participants: Any) -> list[ParticipantRow]:
        return participant_rows(participants, organisation=self.organisation)

    def _record(self, participant_id: int) -> ParticipantRow:
        participant = self.org_queryset().get(pk=participant_id)
        return self._rows([participant])[0]

    @extend_schema(
        summary="List participants",
        description="By name, then code. The filters are the participant page's. Contact and "
        "guardian details are never listed: read one participant for them (that read is "
        "recorded). `changed_since` gives those changed since a time, for syncing. "
        "Erased participants stay listed under a placeholder name, as on the page.",
        parameters=[ParticipantListQuery],
        responses=ParticipantSummarySerializer(many=True),
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        query = ParticipantListQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        filters = query.validated_data
        participants = participant_queryset(
            organisation=self.organisation,
            listing=True,
            search=filters.get("search", "").strip(),
            cohort_id=filters.get("cohort"),
            stage=filters.get("stage", ""),
        )
        if filters.get("changed_since"):
            participants = participants.filter(updated_at__gte=filters["changed_since"])
        consent = filters.get("consent", "")
        if consent:
            # Consent completeness is judged in Python (the service's rule): every match is
            # read with its consents, then the page is cut and its enrolments read. Three
            # queries either way.
            rows = participant_rows(
                participants, organisation=self.organisation, consent=consent, enrolments=False
            )
            page = participant_rows_enrolments(
                self.paginate_queryset(rows), organisation=self.organisation
            )
        else:
            page = self._rows(self.paginate_queryset(participants))
        visible = participant_fields(self.membership.role, listing=True)
        return self.get_paginated_response(participant_summaries(page, visible=visible))

    @extend_schema(
        summary="One participant",
        description="The record, with the contact and guardian details for admins and "
        "coordinators. Each read is written to the audit trail (`participant.viewed`), as on "
        "the participant page.",
        responses=ParticipantSerializer,
    )
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        participant = self.get_object()
        participant_record_viewed(
            organisation=self.organisation, participant=participant, actor=request.user
        )
        return Response(self.get_serializer(self._rows([participant])[0]).data)

    @extend_schema(
        summary="Add a participant",
        description="A first name or nickname is enough; the platform gives the person a "
        "pseudonymous code. Next, record their consent.",
        request=ParticipantInput,
        responses={201: ParticipantSerializer},
        examples=[PARTICIPANT_EXAMPLE],
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = ParticipantInput(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        participant = participant_create(
            organisation=self.organisation, actor=request.user, **data.validated_data
        )
        return Response(
            self.get_serializer(self._record(participant.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary="Change a participant",
        description="Only the fields sent are changed. An erased record cannot be filled in "
        "again: 409 with code `gone`.",
        request=ParticipantUpdateInput,
        responses=ParticipantSerializer,
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        participant = self.get_object()
        data = ParticipantUpdateInput(
            data=request.data, partial=True, context=self.get_serializer_context()
        )
        data.is_valid(raise_exception=True)
        participant_update(
            organisation=self.organisation,
            participant=participant,
            actor=request.user,
            **data.validated_data,
        )
        return Response(self.get_serializer(self._record(participant.pk)).data)


@extend_schema(tags=["participants"])
class ParticipantExportViewSet(OrgViewSet):
    """The chosen participants as a spreadsheet, as the participant list's export."""

    permissions = {"export": "participants.export"}
    filter_backends: list[Any] = []

    def org_queryset(self) -> Any:
        return Participant.objects.for_org(self.organisation)

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # The answer is a file (an HttpResponse, never rendered) and its refusals JSON: a client
        # asking for the file's type must get the error body, not a 406.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        summary="Export chosen participants",
        description="A CSV or XLSX file with one row per chosen person: code, name, year of "
        "birth, cohorts with stages, and what the consent to take part still lacks. No contact "
        "or guardian details; people whose consent to take part was withdrawn are left out. "
        "Written to the audit trail (`participants.exported`). An id that is not one of the "
        "organisation's participants: 400, and nothing is exported.",
        request=ParticipantExportInput,
        responses={
            (200, EXPORT_FORMATS["csv"]): OpenApiTypes.BINARY,
            (200, EXPORT_FORMATS["xlsx"]): OpenApiTypes.BINARY,
        },
    )
    def export(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        data = ParticipantExportInput(data=request.data)
        data.is_valid(raise_exception=True)
        return participants_export(
            organisation=self.organisation,
            participant_ids=data.validated_data["participants"],
            fmt=data.validated_data["format"],
            actor=request.user,
        ).response()


class ConsentViewSetBase(OrgViewSet):
    serializer_class = ConsentSerializer

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        context["today"] = timezone.localdate()
        return context


@extend_schema(tags=["consents"])
class ParticipantConsentViewSet(ConsentViewSetBase):
    """A participant's consents: listed with `participants.view`, recorded with
    `consents.manage`."""

    permissions = {
        "list": "participants.view",
        "create": "consents.manage",
        "read": "participants.view",
        "write": "consents.manage",
    }
    filterset_class = ConsentFilter
    participant: Participant

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        # The participant in the path first, whatever the method and body: another
        # organisation's id is a 404, not a complaint about the input.
        try:
            self.participant = Participant.objects.for_org(self.organisation).get(
                pk=kwargs["participant_id"]
            )
        except Participant.DoesNotExist:
            raise exceptions.NotFound() from None

    def org_queryset(self) -> Any:
        return consent_list(organisation=self.organisation, participant=self.participant)

    @extend_schema(
        summary="List a participant's consents",
        description="By scope, newest first; withdrawn and expired ones included.",
        responses=ConsentSerializer(many=True),
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # A person's consents are part of their record: reading them is recorded, as the
        # participant page (which shows them) is.
        participant_record_viewed(
            organisation=self.organisation, participant=self.participant, actor=request.user
        )
        return self.page(self.get_queryset())

    @extend_schema(
        summary="Record a consent",
        description="One scope, given by the young person (`self`) or a guardian. Below the "
        "organisation's age of digital consent, taking part needs both a guardian's consent and "
        "the young person's own: the participant's `consent_missing` says what is still "
        "lacking. A consent cannot be given in the future nor expire before it was given.",
        request=ConsentInput,
        responses={201: ConsentSerializer},
        examples=[
            OpenApiExample(
                "A guardian's consent to take part",
                value={"scope": "participation", "given_by": "guardian", "given_on": "2025-09-01"},
                request_only=True,
            )
        ],
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = ConsentInput(data=request.data)
        data.is_valid(raise_exception=True)
        consent = consent_record(
            organisation=self.organisation,
            participant=self.participant,
            actor=request.user,
            **data.validated_data,
        )
        return Response(self.get_serializer(consent).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["consents"])
class ConsentViewSet(ConsentViewSetBase):
    permissions = {
        "retrieve": "participants.view",
        "withdraw": "consents.manage",
        "bulk": "consents.manage",
        "read": "participants.view",
        "write": "consents.manage",
    }
    lookup_url_kwarg = "consent_id"
    filter_backends: list[Any] = []

    def org_queryset(self) -> Any:
        return Consent.objects.for_org(self.organisation)

    @extend_schema(summary="One consent", responses=ConsentSerializer)
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        consent = self.get_object()
        participant_record_viewed(
            organisation=self.organisation, participant=consent.participant, actor=request.user
        )
        return Response(self.get_serializer(consent).data)

    @extend_schema(
        summary="Withdraw a consent",
        description="With immediate effect: no more messages for `contact`, left out of exports; "
        "withdrawing the consent to take part also withdraws the person's places in cohorts when "
        "no other consent covers them. A consent is withdrawn once: withdrawing it again is "
        "refused with 409 and code `conflict` (the first withdrawal's time stays).",
        request=None,
        responses=ConsentSerializer,
    )
    def withdraw(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        consent = consent_withdraw(
            organisation=self.organisation, consent=self.get_object(), actor=request.user
        )
        return Response(self.get_serializer(consent).data)

    @extend_schema(
        summary="Record a consent for several people",
        description="The same consent (scope, given by, dates) for each chosen participant, e.g. "
        "forms received on paper. Everyone is checked first: if anyone already holds that "
        "consent in force, was erased on request, or is not one of the organisation's "
        "participants, nothing is recorded (400, the message names them). Each consent is "
        "written to the audit trail (`consent.recorded`).",
        request=ConsentBulkInput,
        responses={201: ConsentSerializer(many=True)},
        examples=[
            OpenApiExample(
                "Guardians' forms received on paper",
                value={
                    "participants": [12, 15],
                    "scope": "participation",
                    "given_by": "guardian",
                    "given_on": "2025-09-01",
                },
                request_only=True,
            )
        ],
    )
    def bulk(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = ConsentBulkInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        consents = consent_record_many(
            organisation=self.organisation,
            participant_ids=fields.pop("participants"),
            actor=request.user,
            **fields,
        )
        return Response(
            self.get_serializer(consents, many=True).data, status=status.HTTP_201_CREATED
        )


urlpatterns = [
    *resource("participants/", ParticipantViewSet, id_name="participant_id", name="participant"),
    action_url(
        "participants/<int:participant_id>/consents/",
        ParticipantConsentViewSet,
        {"get": "list", "post": "create"},
        name="participant-consent-list",
    ),
    action_url(
        "participants/export/",
        ParticipantExportViewSet,
        {"post": "export"},
        name="participant-export",
    ),
    *resource("consents/", ConsentViewSet, id_name="consent_id", name="consent"),
    action_url("consents/bulk/", ConsentViewSet, {"post": "bulk"}, name="consent-bulk"),
    action_url(
        "consents/<int:consent_id>/withdraw/",
        ConsentViewSet,
        {"post": "withdraw"},
        name="consent-withdraw",
    ),
]
