"""Pages of programmes and their curriculum: the list, a new programme (copied from a built-in
curriculum or empty), the curriculum page, and the writes on modules and activities.

Trainers read the curriculum they deliver; only staff change it (see the permission map). Every
object comes through `get_org_object`, so another organisation's id is a 404 like a missing one,
and is fetched before any input is read. The forms of these pages live here, next to the only
views that use them.
"""

from functools import cached_property
from typing import Any, ClassVar

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from cocora.core.errors import ApplicationError
from cocora.core.forms import StyledFormMixin, add_application_error
from cocora.organisations.permissions import can
from cocora.organisations.views_base import OrgTemplateView

from ..curricula import builtin_curricula, builtin_curriculum, builtin_languages
from ..models import Activity, ActivityMethod, Module, Programme, ProgrammeKind
from ..selectors.curriculum import module_delete_consequences, programme_groups
from ..selectors.translations import (
    builtin_translation_languages,
    curriculum_with_translations,
    module_translation_states,
)
from ..services import curriculum as services

# SECTION: forms

MARKDOWN_HINT = gettext_lazy(
    "Markdown: ## for a heading, **bold**, *italic*, - for a list, [text](https://…) for a "
    "link. Images are not shown."
)


class ProgrammeStartForm(StyledFormMixin, forms.Form):
    """A new programme. The kind is chosen on the step before; `start` comes from the button
    that was pressed."""

    START_BUILTIN = "builtin"
    START_EMPTY = "empty"

    kind = forms.ChoiceField(
        choices=ProgrammeKind.choices,
        widget=forms.HiddenInput,
        error_messages={
            "required": gettext_lazy("Choose the kind of programme first."),
            "invalid_choice": gettext_lazy("Choose one of the three kinds of programme."),
        },
    )
    start = forms.ChoiceField(
        choices=[
            (START_BUILTIN, gettext_lazy("Start from the built-in curriculum")),
            (START_EMPTY, gettext_lazy("Start empty")),
        ],
        widget=forms.HiddenInput,
        error_messages={
            "required": gettext_lazy("Choose how to start: from the built-in curriculum, or empty.")
        },
    )
    title = forms.CharField(
        label=gettext_lazy("Title"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Leave it empty to use the title of the built-in curriculum."),
    )
    summary = forms.CharField(
        label=gettext_lazy("Summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Who the programme is for and what it offers, in a few lines."),
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language"),
        choices=settings.LANGUAGES,
        help_text=gettext_lazy(
            "Where the built-in curriculum is not written in this language yet, the English "
            "text is copied for you to adapt."
        ),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") == self.START_EMPTY and not (data.get("title") or "").strip():
            self.add_error("title", _("Give the programme a title."))
        return data


class ProgrammeForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    summary = forms.CharField(
        label=gettext_lazy("Summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    language = forms.ChoiceField(label=gettext_lazy("Language"), choices=settings.LANGUAGES)


class ModuleForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    duration_minutes = forms.IntegerField(
        label=gettext_lazy("Duration in minutes"),
        min_value=services.MIN_DURATION,
        max_value=services.MAX_DURATION,
        initial=90,
    )
    objectives = forms.CharField(
        label=gettext_lazy("Objectives"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("One per line."),
    )
    content_md = forms.CharField(
        label=gettext_lazy("Content"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=MARKDOWN_HINT,
    )


class ActivityForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    method = forms.ChoiceField(
        label=gettext_lazy("Method"), choices=ActivityMethod.choices, initial="discussion"
    )
    duration_minutes = forms.IntegerField(
        label=gettext_lazy("Duration in minutes"),
        min_value=services.MIN_DURATION,
        max_value=services.MAX_DURATION,
        initial=30,
    )
    materials = forms.CharField(
        label=gettext_lazy("Materials"),
        max_length=500,
        required=False,
        help_text=gettext_lazy("What to bring, for example: flip chart, markers, cards."),
    )
    instructions_md = forms.CharField(
        label=gettext_lazy("Instructions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=MARKDOWN_HINT,
    )


class MoveForm(StyledFormMixin, forms.Form):
    direction = forms.ChoiceField(
        choices=[("up", gettext_lazy("Up")), ("down", gettext_lazy("Down"))]
    )


# SECTION: helpers


def _detail_url(organisation_slug: str, programme_id: int, anchor: str = "") -> str:
    url = reverse(
        "programme_detail", kwargs={"org_slug": organisation_slug, "programme_id": programme_id}
    )
    return f"{url}#{anchor}" if anchor else url


def _add_service_error(form: forms.Form, error: ApplicationError) -> None:
    add_application_error(form, error)


class CurriculumPage(OrgTemplateView):
    """A page about one object of the curriculum. `load()` fetches that object (a 404 for
    another organisation's id) before anything else happens, whatever the method."""

    def load(self) -> None:
        """Fetches the page's objects with `get_org_object` and keeps them on the view."""

    @property
    def can_manage(self) -> bool:
        return can(self.membership, "programmes.manage")

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.load()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_manage"] = self.can_manage
        return context


class CurriculumFormPage(CurriculumPage):
    """GET shows the form; a valid POST calls a service and redirects with a message; invalid
    input answers 400 with the errors. A page with a `preview_field` also answers the "Preview"
    button: the same form again, with that Markdown field rendered under it, nothing saved."""

    permission = "programmes.manage"
    form_class: ClassVar[type[forms.Form]]
    preview_field: ClassVar[str | None] = None

    def get_initial(self) -> dict[str, Any]:
        return {}

    def get_form(self, data: Any = None) -> forms.Form:
        return self.form_class(data, initial=self.get_initial())

    def save(self, form: forms.Form) -> tuple[str, str]:
        """Calls the service; returns the success message and where to go next."""
        raise NotImplementedError

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["form"] = kwargs.get("form") or self.get_form()
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.load()
        form = self.get_form(request.POST)
        if self.preview_field and "preview" in request.POST:
            # The preview renders what was typed, cleaned like the saved text will be.
            preview = {"text": request.POST.get(self.preview_field, "")}
            status = 200 if form.is_valid() else 400
            return self.render_to_response(
                self.get_context_data(form=form, preview=preview), status=status
            )
        if form.is_valid():
            try:
                message, url = self.save(form)
            except ApplicationError as error:
                _add_service_error(form, error)
            else:
                messages.success(request, message)
                return redirect(url)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class CurriculumDeletePage(CurriculumPage):
    """GET asks for confirmation; POST deletes and redirects, or answers 400 with the reason."""

    permission = "programmes.manage"

    # Not named `delete`: View would route HTTP DELETE requests to it.
    def perform_delete(self) -> tuple[str, str]:
        """Calls the service; returns the success message and where to go next."""
        raise NotImplementedError

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["error"] = kwargs.get("error")
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.load()
        try:
            message, url = self.perform_delete()
        except ApplicationError as error:
            return self.render_to_response(self.get_context_data(error=error.message), status=400)
        messages.success(request, message)
        return redirect(url)


class CurriculumMovePage(CurriculumPage):
    """POST only: moves one item up or down and goes back to it on the curriculum page."""

    permission = "programmes.manage"
    template_name = "programmes/curriculum/move_invalid.html"

    def move(self, direction: str) -> tuple[str, str]:
        raise NotImplementedError

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Resolve the object first: another organisation's id is a 404, not a 405. The answer is
        # built here rather than by http_method_not_allowed, which itself calls get() to do the
        # lookups for other methods.
        self.load()
        return HttpResponseNotAllowed(["POST"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["errors"] = kwargs.get("errors", [])
        context["back_url"] = kwargs.get("back_url", "")
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.load()
        form = MoveForm(request.POST)
        if form.is_valid():
            try:
                message, url = self.move(form.cleaned_data["direction"])
            except ApplicationError as error:
                errors = [error.message]
            else:
                messages.success(request, message)
                return redirect(url)
        else:
            errors = [error for field_errors in form.errors.values() for error in field_errors]
        return self.render_to_response(
            self.get_context_data(errors=errors, back_url=self.back_url()), status=400
        )

    def back_url(self) -> str:
        raise NotImplementedError


# SECTION: programmes


class ProgrammeListView(CurriculumPage):
    permission = "programmes.view"
    template_name = "programmes/curriculum/programme_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # One query: the programmes with their module counts.
        groups = programme_groups(organisation=self.organisation)
        context["groups"] = groups
        context["has_programmes"] = any(programmes for _kind, programmes in groups)
        return context


class ProgrammeCreateView(CurriculumFormPage):
    """Two steps, both without JavaScript: choose a kind (the built-in curricula side by side),
    then a title and language and one of two buttons: copy the built-in curriculum or start
    empty."""

    template_name = "programmes/curriculum/programme_create.html"
    form_class = ProgrammeStartForm

    @cached_property
    def kind(self) -> str | None:
        kind = self.request.POST.get("kind") or self.request.GET.get("kind")
        return kind if kind in ProgrammeKind.values else None

    def get_initial(self) -> dict[str, Any]:
        return {"kind": self.kind, "language": self.organisation.language}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["kind"] = self.kind
        if self.kind is None:
            context["builtins"] = [
                (
                    curriculum,
                    ProgrammeKind(curriculum.kind).label,
                    builtin_languages(curriculum.kind),
                )
                for curriculum in builtin_curricula(get_language() or "en")
            ]
        else:
            context["kind_label"] = ProgrammeKind(self.kind).label
            context["builtin"] = builtin_curriculum(self.kind, get_language() or "en")
            context["builtin_languages"] = builtin_languages(self.kind)
        return context

    def save(self, form: forms.Form) -> tuple[str, str]:
        data = form.cleaned_data
        if data["start"] == ProgrammeStartForm.START_BUILTIN:
            programme = services.programme_create_from_builtin(
                organisation=self.organisation,
                kind=data["kind"],
                language=data["language"],
                title=data["title"] or None,
                summary=data["summary"] or None,
            )
            count = builtin_curriculum(data["kind"], data["language"]).module_count
            message = ngettext(
                "“%(title)s” is ready, with %(count)s module copied from the built-in "
                "curriculum. Adapt it to your locality.",
                "“%(title)s” is ready, with %(count)s modules copied from the built-in "
                "curriculum. Adapt them to your locality.",
                count,
            ) % {"title": programme.title, "count": count}
        else:
            programme = services.programme_create(
                organisation=self.organisation,
                kind=data["kind"],
                title=data["title"],
                summary=data["summary"],
                language=data["language"],
            )
            message = _("“%(title)s” is ready. Add its first module.") % {"title": programme.title}
        return message, _detail_url(self.organisation.slug, programme.pk)


class ProgrammeDetailView(CurriculumPage):
    permission = "programmes.view"
    template_name = "programmes/curriculum/programme_detail.html"

    def load(self) -> None:
        self.programme = self.get_org_object(Programme, self.kwargs["programme_id"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # Four queries whatever the size: the modules, their activities, and the translations
        # of both.
        modules = curriculum_with_translations(
            organisation=self.organisation, programme=self.programme
        )
        for module in modules:
            module.translation_states = module_translation_states(  # type: ignore[attr-defined]
                module, programme=self.programme
            )
        context["programme"] = self.programme
        context["builtin_translation_languages"] = builtin_translation_languages(self.programme)
        context["modules"] = modules
        context["can_export_handbook"] = can(self.membership, "handbooks.export")
        context["total_hours"], context["total_minutes"] = divmod(
            sum(module.duration_minutes for module in modules), 60
        )
        return context


class ProgrammeEditView(CurriculumFormPage):
    template_name = "programmes/curriculum/programme_form.html"
    form_class = ProgrammeForm

    def load(self) -> None:
        self.programme = self.get_org_object(Programme, self.kwargs["programme_id"])

    def get_initial(self) -> dict[str, Any]:
        return {
            "title": self.programme.title,
            "summary": self.programme.summary,
            "language": self.programme.language,
        }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["programme"] = self.programme
        return context

    def save(self, form: forms.Form) -> tuple[str, str]:
        programme = services.programme_update(
            organisation=self.organisation, programme=self.programme, **form.cleaned_data
        )
        message = _("Saved “%(title)s”.") % {"title": programme.title}
        return message, _detail_url(self.organisation.slug, programme.pk)


# SECTION: modules


class ModuleFormPage(CurriculumFormPage):
    template_name = "programmes/curriculum/module_form.html"
    form_class = ModuleForm
    preview_field = "content_md"
    programme: Programme
    module: Module | None = None

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["programme"] = self.programme
        context["module"] = self.module
        return context


class ModuleCreateView(ModuleFormPage):
    def load(self) -> None:
        self.programme = self.get_org_object(Programme, self.kwargs["programme_id"])

    def save(self, form: forms.Form) -> tuple[str, str]:
        module = services.module_create(
            organisation=self.organisation, programme=self.programme, **form.cleaned_data
        )
        message = _("Module “%(title)s” added.") % {"title": module.title}
        return message, _detail_url(
            self.organisation.slug, self.programme.pk, f"module-{module.pk}"
        )


class ModuleEditView(ModuleFormPage):
    def load(self) -> None:
        self.module = self.get_org_object(Module, self.kwargs["module_id"])
        self.programme = self.module.programme

    def get_initial(self) -> dict[str, Any]:
        assert self.module is not None
        return {name: getattr(self.module, name) for name in ModuleForm.base_fields}

    def save(self, form: forms.Form) -> tuple[str, str]:
        assert self.module is not None
        module = services.module_update(
            organisation=self.organisation, module=self.module, **form.cleaned_data
        )
        message = _("Saved module “%(title)s”.") % {"title": module.title}
        return message, _detail_url(
            self.organisation.slug, self.programme.pk, f"module-{module.pk}"
        )


class ModuleMoveView(CurriculumMovePage):
    def load(self) -> None:
        self.module = self.get_org_object(Module, self.kwargs["module_id"])

    def back_url(self) -> str:
        return _detail_url(
            self.organisation.slug, self.module.programme_id, f"module-{self.module.pk}"
        )

    def move(self, direction: str) -> tuple[str, str]:
        services.module_move(
            organisation=self.organisation,
            module=self.module,
            direction=direction,  # type: ignore[arg-type]
        )
        if direction == "up":
            message = _("Moved “%(title)s” up.") % {"title": self.module.title}
        else:
            message = _("Moved “%(title)s” down.") % {"title": self.module.title}
        return message, self.back_url()


class ModuleDeleteView(CurriculumDeletePage):
    template_name = "programmes/curriculum/module_delete.html"

    def load(self) -> None:
        self.module = self.get_org_object(Module, self.kwargs["module_id"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["module"] = self.module
        context["programme"] = self.module.programme
        context["consequences"] = module_delete_consequences(
            organisation=self.organisation, module=self.module
        )
        return context

    def perform_delete(self) -> tuple[str, str]:
        programme_id, title = self.module.programme_id, self.module.title
        services.module_delete(organisation=self.organisation, module=self.module)
        message = _("Module “%(title)s” deleted.") % {"title": title}
        return message, _detail_url(self.organisation.slug, programme_id)


# SECTION: activities


class ActivityFormPage(CurriculumFormPage):
    template_name = "programmes/curriculum/activity_form.html"
    form_class = ActivityForm
    preview_field = "instructions_md"
    module: Module
    activity: Activity | None = None

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["module"] = self.module
        context["programme"] = self.module.programme
        context["activity"] = self.activity
        return context

    def _done_url(self, activity: Activity) -> str:
        return _detail_url(
            self.organisation.slug, self.module.programme_id, f"activity-{activity.pk}"
        )


class ActivityCreateView(ActivityFormPage):
    def load(self) -> None:
        self.module = self.get_org_object(Module, self.kwargs["module_id"])

    def save(self, form: forms.Form) -> tuple[str, str]:
        activity = services.activity_create(
            organisation=self.organisation, module=self.module, **form.cleaned_data
        )
        message = _("Activity “%(title)s” added to “%(module)s”.") % {
            "title": activity.title,
            "module": self.module.title,
        }
        return message, self._done_url(activity)


class ActivityEditView(ActivityFormPage):
    def load(self) -> None:
        self.activity = self.get_org_object(Activity, self.kwargs["activity_id"])
        self.module = self.activity.module

    def get_initial(self) -> dict[str, Any]:
        assert self.activity is not None
        return {name: getattr(self.activity, name) for name in ActivityForm.base_fields}

    def save(self, form: forms.Form) -> tuple[str, str]:
        assert self.activity is not None
        activity = services.activity_update(
            organisation=self.organisation, activity=self.activity, **form.cleaned_data
        )
        message = _("Saved activity “%(title)s”.") % {"title": activity.title}
        return message, self._done_url(activity)


class ActivityMoveView(CurriculumMovePage):
    def load(self) -> None:
        self.activity = self.get_org_object(Activity, self.kwargs["activity_id"])

    def back_url(self) -> str:
        return _detail_url(
            self.organisation.slug,
            self.activity.module.programme_id,
            f"activity-{self.activity.pk}",
        )

    def move(self, direction: str) -> tuple[str, str]:
        services.activity_move(
            organisation=self.organisation,
            activity=self.activity,
            direction=direction,  # type: ignore[arg-type]
        )
        if direction == "up":
            message = _("Moved “%(title)s” up.") % {"title": self.activity.title}
        else:
            message = _("Moved “%(title)s” down.") % {"title": self.activity.title}
        return message, self.back_url()


class ActivityDeleteView(CurriculumDeletePage):
    template_name = "programmes/curriculum/activity_delete.html"

    def load(self) -> None:
        self.activity = self.get_org_object(Activity, self.kwargs["activity_id"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["activity"] = self.activity
        context["module"] = self.activity.module
        context["programme"] = self.activity.module.programme
        return context

    def perform_delete(self) -> tuple[str, str]:
        module = self.activity.module
        title = self.activity.title
        services.activity_delete(organisation=self.organisation, activity=self.activity)
        message = _("Activity “%(title)s” deleted.") % {"title": title}
        return message, _detail_url(
            self.organisation.slug, module.programme_id, f"module-{module.pk}"
        )
