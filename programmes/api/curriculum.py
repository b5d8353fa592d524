"""The API of programmes and their curriculum: programmes (empty or copied from a built-in
curriculum), their modules and the modules' activities, with the order of both.

Everyone who reads the curriculum pages (trainers too: they deliver it) reads it here; only
staff change it. Every write goes through programmes.services.curriculum, exactly as the pages.
Modules and activities are addressed by their own id (`modules/<module_id>/`), and listed or
created under their parent (`programmes/<programme_id>/modules/`), whose id is resolved first,
so another organisation's id is a 404 whatever the method.

This module also holds the few pieces that the programmes app's other API modules share
(`PersonSerializer`).
"""

from typing import Any

import django_filters
from django.conf import settings
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from cocora.api.base import OrgViewSet, action_url, resource
from cocora.api.serializers import InputSerializer
from cocora.core.ids import MAX_IDS

from ..models import (
    ACTIVITY_TEXT_FIELDS,
    MODULE_TEXT_FIELDS,
    Activity,
    ActivityMethod,
    ActivityTranslation,
    Module,
    ModuleTranslation,
    Programme,
    ProgrammeKind,
)
from ..selectors.curriculum import activity_list, module_list, programme_get, programme_list
from ..selectors.translations import changed_fields
from ..services import curriculum as services
from ..services import translations as translation_services

# SECTION: pieces shared by the programmes app's API modules


class PersonSerializer(serializers.Serializer):
    """A member as the pages name them (a coordinator, a trainer, a log's author)."""

    id = serializers.IntegerField(source="pk", read_only=True)
    name = serializers.CharField(source="__str__", read_only=True)


# SECTION: translations (read with their module or activity)


class TranslationStateFields(serializers.Serializer):
    language = serializers.CharField()
    updated_at = serializers.DateTimeField()
    out_of_date = serializers.BooleanField(
        help_text="The original has changed since this translation was saved."
    )
    changed_fields = serializers.ListField(
        child=serializers.CharField(),
        help_text="The original's fields that changed since the translation was saved.",
    )


class ModuleTranslationOutput(TranslationStateFields):
    title = serializers.CharField()
    objectives = serializers.CharField()
    content_md = serializers.CharField()


class ActivityTranslationOutput(TranslationStateFields):
    title = serializers.CharField()
    instructions_md = serializers.CharField()
    materials = serializers.CharField()


def _translations_data(original: Module | Activity) -> list[dict[str, Any]]:
    # From the prefetched translations (see _with_translations): no query per row.
    fields = MODULE_TEXT_FIELDS if isinstance(original, Module) else ACTIVITY_TEXT_FIELDS
    return [
        {
            "language": translation.language,
            "updated_at": translation.updated_at,
            **{name: getattr(translation, name) for name in fields},
            "out_of_date": bool(changed := changed_fields(translation, original)),
            "changed_fields": changed,
        }
        for translation in sorted(original.translations.all(), key=lambda t: t.language)
    ]


def _with_translations(queryset: Any, organisation: Any, model: Any) -> Any:
    return queryset.prefetch_related(
        Prefetch("translations", queryset=model.objects.for_org(organisation))
    )


class ActivityTranslationInput(InputSerializer):
    id = serializers.IntegerField(help_text="An activity of the module.")
    title = serializers.CharField(required=False, allow_blank=True, default="")
    instructions_md = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Markdown."
    )
    materials = serializers.CharField(required=False, allow_blank=True, default="")


class ModuleTranslationInput(InputSerializer):
    language = serializers.ChoiceField(
        choices=settings.LANGUAGES, help_text="Any language of the platform but the programme's."
    )
    title = serializers.CharField(allow_blank=True)
    objectives = serializers.CharField(required=False, allow_blank=True, default="")
    content_md = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Markdown."
    )
    activities = serializers.ListField(
        child=ActivityTranslationInput(),
        max_length=MAX_IDS,
        required=False,
        default=list,
        help_text="The activities' translations. An activity sent with every field empty loses "
        "its translation; one not sent keeps what it has.",
    )


class BuiltinTranslationsInput(InputSerializer):
    language = serializers.ChoiceField(choices=settings.LANGUAGES)


class BuiltinTranslationsOutput(serializers.Serializer):
    modules = serializers.IntegerField(help_text="Modules given the built-in text.")
    activities = serializers.IntegerField(help_text="Activities given the built-in text.")
    skipped = serializers.IntegerField(
        help_text="Modules left as they were: translated already, or retitled."
    )


# SECTION: programmes


class ProgrammeSerializer(serializers.ModelSerializer):
    module_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Programme
        fields = [
            "id",
            "kind",
            "title",
            "summary",
            "language",
            "source",
            "module_count",
            "created_at",
            "archived_at",
        ]
        read_only_fields = fields


class ProgrammeCreateInput(InputSerializer):
    kind = serializers.ChoiceField(choices=ProgrammeKind.choices)
    from_builtin = serializers.BooleanField(
        default=False,
        help_text="Copy every module and activity of the built-in curriculum of this kind (in "
        "English where the language has none yet). The title and summary then default to the "
        "built-in curriculum's.",
    )
    title = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Required unless `from_builtin`.",
    )
    summary = serializers.CharField(required=False, allow_blank=True, default="")
    language = serializers.ChoiceField(
        choices=settings.LANGUAGES,
        required=False,
        help_text="Defaults to the organisation's language.",
    )


class ProgrammeUpdateInput(InputSerializer):
    title = serializers.CharField(required=False, allow_blank=True)
    summary = serializers.CharField(required=False, allow_blank=True)
    language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)


class ProgrammeFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=ProgrammeKind.choices)
    language = django_filters.ChoiceFilter(choices=settings.LANGUAGES)

    class Meta:
        model = Programme
        fields = ["kind", "language"]


@extend_schema(tags=["curriculum"])
class ProgrammeViewSet(OrgViewSet):
    """The organisation's programmes. A programme's kind is fixed once created: cohorts and
    reports rely on it."""

    permissions = {"read": "programmes.view", "write": "programmes.manage"}
    serializer_class = ProgrammeSerializer
    filterset_class = ProgrammeFilter
    lookup_url_kwarg = "programme_id"

    def org_queryset(self) -> Any:
        return programme_list(organisation=self.organisation)

    def _output(self, programme: Programme) -> Any:
        # Read again through the selector: the answer carries the same `module_count` as a read.
        fresh = programme_get(organisation=self.organisation, programme_id=programme.pk)
        return self.get_serializer(fresh).data

    @extend_schema(summary="List programmes", responses=ProgrammeSerializer(many=True))
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.page(self.get_queryset())

    @extend_schema(
        summary="Create a programme",
        description="An empty programme, or with `from_builtin` a copy of the built-in "
        "curriculum of its kind, to adapt to the locality.",
        request=ProgrammeCreateInput,
        responses={201: ProgrammeSerializer},
        examples=[
            OpenApiExample(
                "From the built-in curriculum",
                value={"kind": "prevention", "from_builtin": True, "language": "de"},
                request_only=True,
            ),
            OpenApiExample(
                "Empty",
                value={"kind": "collaborative", "title": "Neighbourhood dialogue"},
                request_only=True,
            ),
        ],
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.validated(ProgrammeCreateInput)
        language = data.get("language") or self.organisation.language
        if data["from_builtin"]:
            programme = services.programme_create_from_builtin(
                organisation=self.organisation,
                kind=data["kind"],
                language=language,
                title=data["title"] or None,
                summary=data["summary"] or None,
            )
        else:
            programme = services.programme_create(
                organisation=self.organisation,
                kind=data["kind"],
                title=data["title"],
                summary=data["summary"],
                language=language,
            )
        return Response(self._output(programme), status=status.HTTP_201_CREATED)

    @extend_schema(summary="One programme")
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        summary="Change a programme",
        description="Title, summary and language; what is not sent stays as it is.",
        request=ProgrammeUpdateInput,
        responses=ProgrammeSerializer,
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        programme = self.get_object()
        data = self.validated(ProgrammeUpdateInput)
        services.programme_update(
            organisation=self.organisation,
            programme=programme,
            title=data.get("title", programme.title),
            summary=data.get("summary", programme.summary),
            language=data.get("language"),
        )
        return Response(self._output(programme))

    @extend_schema(
        summary="Add the built-in text of a language as translations",
        description="For a programme started from a built-in curriculum: every module that "
        "still has its built-in title (and its activities likewise) gets the built-in text in "
        "`language` as its translation, up to date where the original is unchanged. Modules "
        "translated into that language already are left as they are. Refused (400) for the "
        "programme's own language, a language the built-in curriculum is not written in, and "
        "when no module would get one (code `nothing_to_add`).",
        request=BuiltinTranslationsInput,
        responses=BuiltinTranslationsOutput,
    )
    def builtin_translations(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        programme = self.get_object()
        data = self.validated(BuiltinTranslationsInput)
        result = translation_services.programme_translations_from_builtin(
            organisation=self.organisation,
            programme=programme,
            language=data["language"],
            actor=request.user,
        )
        return Response(BuiltinTranslationsOutput(result).data)


# SECTION: modules


class ModuleSerializer(serializers.ModelSerializer):
    activity_count = serializers.IntegerField(read_only=True)
    translations = serializers.SerializerMethodField(
        help_text="The module's text in other languages, each with whether the original has "
        "changed since it was translated."
    )

    @extend_schema_field(ModuleTranslationOutput(many=True))
    def get_translations(self, module: Module) -> list[dict[str, Any]]:
        return _translations_data(module)

    class Meta:
        model = Module
        fields = [
            "id",
            "programme",
            "position",
            "title",
            "objectives",
            "content_md",
            "duration_minutes",
            "activity_count",
            "translations",
        ]
        read_only_fields = fields


class ModuleInput(InputSerializer):
    title = serializers.CharField(allow_blank=True)
    objectives = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="One per line."
    )
    content_md = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Markdown."
    )
    duration_minutes = serializers.IntegerField(
        required=False,
        default=90,
        min_value=services.MIN_DURATION,
        max_value=services.MAX_DURATION,
    )


class ModuleUpdateInput(ModuleInput):
    title = serializers.CharField(required=False, allow_blank=True)
    objectives = serializers.CharField(required=False, allow_blank=True)
    content_md = serializers.CharField(required=False, allow_blank=True)
    duration_minutes = serializers.IntegerField(
        required=False, min_value=services.MIN_DURATION, max_value=services.MAX_DURATION
    )


class MoveInput(InputSerializer):
    direction = serializers.ChoiceField(choices=services.DIRECTIONS)


MOVE_EXAMPLE = OpenApiExample("Up one place", value={"direction": "up"}, request_only=True)


def _modules(organisation: Any, programme: Programme | None = None) -> Any:
    return _with_translations(
        module_list(organisation=organisation, programme=programme),
        organisation,
        ModuleTranslation,
    )


def _activities(organisation: Any, module: Module | None = None) -> Any:
    return _with_translations(
        activity_list(organisation=organisation, module=module), organisation, ActivityTranslation
    )


def _module_output(view: OrgViewSet, module: Module) -> Any:
    fresh = _modules(view.organisation).get(pk=module.pk)
    return ModuleSerializer(fresh, context=view.get_serializer_context()).data


@extend_schema(tags=["curriculum"])
class ProgrammeModuleViewSet(OrgViewSet):
    """A programme's modules, in curriculum order."""

    permissions = {"read": "programmes.view", "write": "programmes.manage"}
    serializer_class = ModuleSerializer
    parent_kwarg = "programme_id"

    def load_parent(self, parent_id: int) -> Programme:
        try:
            return programme_get(organisation=self.organisation, programme_id=parent_id)
        except Programme.DoesNotExist:
            raise Http404 from None

    def org_queryset(self) -> Any:
        return _modules(self.organisation, self.parent)

    @extend_schema(summary="List a programme's modules", responses=ModuleSerializer(many=True))
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.page(self.get_queryset())

    @extend_schema(
        summary="Add a module",
        description="Added at the end of the programme's curriculum.",
        request=ModuleInput,
        responses={201: ModuleSerializer},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.validated(ModuleInput)
        module = services.module_create(
            organisation=self.organisation, programme=self.parent, **data
        )
        return Response(_module_output(self, module), status=status.HTTP_201_CREATED)


@extend_schema(tags=["curriculum"])
class ModuleViewSet(OrgViewSet):
    """One module of a curriculum."""

    permissions = {"read": "programmes.view", "write": "programmes.manage"}
    serializer_class = ModuleSerializer
    lookup_url_kwarg = "module_id"

    def org_queryset(self) -> Any:
        return _modules(self.organisation)

    @extend_schema(summary="One module")
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        summary="Change a module",
        description="What is not sent stays as it is.",
        request=ModuleUpdateInput,
        responses=ModuleSerializer,
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        module = self.get_object()
        data = self.validated(ModuleUpdateInput)
        current = {name: getattr(module, name) for name in ModuleUpdateInput().fields}
        services.module_update(organisation=self.organisation, module=module, **{**current, **data})
        return Response(_module_output(self, module))

    @extend_schema(
        summary="Save a module's translation",
        description="Creates or replaces the module's translation into `language`, with its "
        "activities', and marks it up to date with the original as it reads now. Refused "
        "(400) for the programme's own language and for an activity of another module.",
        request=ModuleTranslationInput,
        responses=ModuleSerializer,
    )
    def translate(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        module = self.get_object()
        data = self.validated(ModuleTranslationInput)
        translation_services.module_translation_save(
            organisation=self.organisation,
            module=module,
            language=data["language"],
            actor=request.user,
            title=data["title"],
            objectives=data["objectives"],
            content_md=data["content_md"],
            activities={entry["id"]: entry for entry in data["activities"]},
        )
        return Response(_module_output(self, module))

    @extend_schema(
        summary="Delete a module",
        description="Deletes the module with its activities and closes the gap in the order. "
        "Refused (409, code `in_use`) while a session log records one of its activities as "
        "covered. Sessions planned with the module keep their date.",
        responses={204: None},
    )
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        services.module_delete(organisation=self.organisation, module=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Move a module up or down",
        description="Swaps the module with its neighbour; answers the module at its new position.",
        request=MoveInput,
        responses=ModuleSerializer,
        examples=[MOVE_EXAMPLE],
    )
    def move(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        module = self.get_object()
        data = self.validated(MoveInput)
        services.module_move(
            organisation=self.organisation, module=module, direction=data["direction"]
        )
        return Response(_module_output(self, module))


# SECTION: activities


class ActivitySerializer(serializers.ModelSerializer):
    translations = serializers.SerializerMethodField(
        help_text="The activity's text in other languages, each with whether the original has "
        "changed since it was translated."
    )

    @extend_schema_field(ActivityTranslationOutput(many=True))
    def get_translations(self, activity: Activity) -> list[dict[str, Any]]:
        return _translations_data(activity)

    class Meta:
        model = Activity
        fields = [
            "id",
            "module",
            "position",
            "title",
            "method",
            "instructions_md",
            "materials",
            "duration_minutes",
            "translations",
        ]
        read_only_fields = fields


class ActivityInput(InputSerializer):
    title = serializers.CharField(allow_blank=True)
    method = serializers.ChoiceField(
        choices=ActivityMethod.choices, required=False, default=ActivityMethod.DISCUSSION
    )
    instructions_md = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Markdown."
    )
    materials = serializers.CharField(required=False, allow_blank=True, default="")
    duration_minutes = serializers.IntegerField(
        required=False,
        default=30,
        min_value=services.MIN_DURATION,
        max_value=services.MAX_DURATION,
    )


class ActivityUpdateInput(ActivityInput):
    title = serializers.CharField(required=False, allow_blank=True)
    method = serializers.ChoiceField(choices=ActivityMethod.choices, required=False)
    instructions_md = serializers.CharField(required=False, allow_blank=True)
    materials = serializers.CharField(required=False, allow_blank=True)
    duration_minutes = serializers.IntegerField(
        required=False, min_value=services.MIN_DURATION, max_value=services.MAX_DURATION
    )


@extend_schema(tags=["curriculum"])
class ModuleActivityViewSet(OrgViewSet):
    """A module's activities, in order."""

    permissions = {"read": "programmes.view", "write": "programmes.manage"}
    serializer_class = ActivitySerializer
    parent_kwarg = "module_id"

    def load_parent(self, parent_id: int) -> Module:
        return get_object_or_404(module_list(organisation=self.organisation), pk=parent_id)

    def org_queryset(self) -> Any:
        return _activities(self.organisation, self.parent)

    @extend_schema(summary="List a module's activities", responses=ActivitySerializer(many=True))
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.page(self.get_queryset())

    @extend_schema(
        summary="Add an activity",
        description="Added at the end of the module.",
        request=ActivityInput,
        responses={201: ActivitySerializer},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.validated(ActivityInput)
        activity = services.activity_create(
            organisation=self.organisation, module=self.parent, **data
        )
        return Response(self.get_serializer(activity).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["curriculum"])
class ActivityViewSet(OrgViewSet):
    """One activity of a module."""

    permissions = {"read": "programmes.view", "write": "programmes.manage"}
    serializer_class = ActivitySerializer
    lookup_url_kwarg = "activity_id"

    def org_queryset(self) -> Any:
        return _activities(self.organisation)

    @extend_schema(summary="One activity")
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        summary="Change an activity",
        description="What is not sent stays as it is.",
        request=ActivityUpdateInput,
        responses=ActivitySerializer,
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        activity = self.get_object()
        data = self.validated(ActivityUpdateInput)
        current = {name: getattr(activity, name) for name in ActivityUpdateInput().fields}
        services.activity_update(
            organisation=self.organisation, activity=activity, **{**current, **data}
        )
        return Response(self.get_serializer(activity).data)

    @extend_schema(
        summary="Delete an activity",
        description="Closes the gap in its module's order. Refused (409, code `in_use`) while "
        "a session log records it as covered: edit it instead.",
        responses={204: None},
    )
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        services.activity_delete(organisation=self.organisation, activity=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Move an activity up or down",
        description="Swaps the activity with its neighbour within its module; answers the "
        "activity at its new position.",
        request=MoveInput,
        responses=ActivitySerializer,
        examples=[MOVE_EXAMPLE],
    )
    def move(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        activity = self.get_object()
        data = self.validated(MoveInput)
        services.activity_move(
            organisation=self.organisation, activity=activity, direction=data["direction"]
        )
        return Response(self.get_serializer(activity).data)


urlpatterns = [
    *resource("programmes/", ProgrammeViewSet, id_name="programme_id", name="programme"),
    action_url(
        "programmes/<int:programme_id>/modules/",
        ProgrammeModuleViewSet,
        {"get": "list", "post": "create"},
        name="programme-modules",
    ),
    *resource("modules/", ModuleViewSet, id_name="module_id", name="module"),
    action_url(
        "programmes/<int:programme_id>/translations/builtin/",
        ProgrammeViewSet,
        {"post": "builtin_translations"},
        name="programme-builtin-translations",
    ),
    action_url(
        "modules/<int:module_id>/move/", ModuleViewSet, {"post": "move"}, name="module-move"
    ),
    action_url(
        "modules/<int:module_id>/translations/",
        ModuleViewSet,
        {"post": "translate"},
        name="module-translations",
    ),
    action_url(
        "modules/<int:module_id>/activities/",
        ModuleActivityViewSet,
        {"get": "list", "post": "create"},
        name="module-activities",
    ),
    *resource("activities/", ActivityViewSet, id_name="activity_id", name="activity"),
    action_url(
        "activities/<int:activity_id>/move/",
        ActivityViewSet,
        {"post": "move"},
        name="activity-move",
    ),
]
