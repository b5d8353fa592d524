"""Pages of the curriculum's translations: one form per module and language (the module with all
its activities, the original beside each field), and the button that adds the built-in text in
another language as translations.

Same permission as editing the curriculum ("programmes.manage"). Objects come through
`get_org_object` first, so another organisation's id is a 404 whatever the method.
"""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from cocora.core.errors import ApplicationError
from cocora.core.forms import StyledFormMixin, add_application_error

from ..models import Module, Programme
from ..selectors.translations import (
    LANGUAGE_NAMES,
    TranslationState,
    module_with_translations,
    translation_languages,
    translation_state,
)
from ..services import translations as services
from .curriculum import MARKDOWN_HINT, CurriculumPage, ModuleForm, _detail_url


class LanguageForm(forms.Form):
    language = forms.ChoiceField(
        choices=settings.LANGUAGES,
        error_messages={
            "required": gettext_lazy("Choose the language of the translation."),
            "invalid_choice": gettext_lazy(
                "“%(value)s” is not one of the languages of the platform."
            ),
        },
    )


class ModuleTranslationForm(StyledFormMixin, forms.Form):
    """The module's fields, then three per activity (`activity-<id>-<field>`)."""

    language = forms.CharField(widget=forms.HiddenInput)
    # The module's own fields, as on the module form.
    title = ModuleForm.base_fields["title"]
    objectives = ModuleForm.base_fields["objectives"]
    content_md = ModuleForm.base_fields["content_md"]

    state: TranslationState

    def activity_rows(self) -> list[dict[str, Any]]:
        """Per activity: its original and its three bound fields, for the template."""
        return [
            {
                "state": activity_state,
                "title": self[f"activity-{activity_state.activity.pk}-title"],
                "materials": self[f"activity-{activity_state.activity.pk}-materials"],
                "instructions_md": self[f"activity-{activity_state.activity.pk}-instructions_md"],
            }
            for activity_state in self.state.activities
        ]

    def activities_data(self) -> dict[int, dict[str, str]]:
        return {
            activity_state.activity.pk: {
                name: self.cleaned_data.get(f"activity-{activity_state.activity.pk}-{name}", "")
                for name in ("title", "instructions_md", "materials")
            }
            for activity_state in self.state.activities
        }


def translation_form_class(state: TranslationState) -> type[ModuleTranslationForm]:
    """The form for one module's activities: its fields are declared on a class made for them,
    so that StyledFormMixin styles and describes them like any other."""
    attrs: dict[str, Any] = {"state": state}
    for activity_state in state.activities:
        prefix = f"activity-{activity_state.activity.pk}-"
        attrs[prefix + "title"] = forms.CharField(
            label=gettext_lazy("Title"), max_length=200, required=False
        )
        attrs[prefix + "materials"] = forms.CharField(
            label=gettext_lazy("Materials"), max_length=500, required=False
        )
        attrs[prefix + "instructions_md"] = forms.CharField(
            label=gettext_lazy("Instructions"),
            required=False,
            widget=forms.Textarea(attrs={"rows": 8}),
            help_text=MARKDOWN_HINT,
        )
    return type("ModuleTranslationForm", (ModuleTranslationForm,), attrs)


def _initial(state: TranslationState) -> dict[str, Any]:
    initial: dict[str, Any] = {"language": state.language}
    if state.translation is not None:
        initial.update(
            title=state.translation.title,
            objectives=state.translation.objectives,
            content_md=state.translation.content_md,
        )
    for activity_state in state.activities:
        translation = activity_state.translation
        if translation is not None:
            prefix = f"activity-{activity_state.activity.pk}-"
            initial[prefix + "title"] = translation.title
            initial[prefix + "instructions_md"] = translation.instructions_md
            initial[prefix + "materials"] = translation.materials
    return initial


class ModuleTranslationView(CurriculumPage):
    """GET without a language lists the languages with the state of each; with `?language=`
    it shows that language's form. POST saves it and goes back to the module."""

    permission = "programmes.manage"
    template_name = "programmes/curriculum/module_translation.html"

    def load(self) -> None:
        # Resolved through get_org_object first (404 for another organisation's id), then read
        # again with its activities and translations.
        found = self.get_org_object(Module, self.kwargs["module_id"])
        try:
            self.module = module_with_translations(
                organisation=self.organisation, module_id=found.pk
            )
        except Module.DoesNotExist:
            raise Http404 from None
        self.programme: Programme = self.module.programme

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.load()
        if "language" not in request.GET:
            return self.render_to_response(self.get_context_data())
        chosen = LanguageForm(request.GET)
        error = self._language_error(chosen)
        if error:
            return self.render_to_response(self.get_context_data(language_error=error), status=400)
        state = translation_state(self.module, chosen.cleaned_data["language"])
        form = translation_form_class(state)(initial=_initial(state))
        return self.render_to_response(self.get_context_data(form=form, state=state))

    def _language_error(self, chosen: LanguageForm) -> str:
        if not chosen.is_valid():
            return " ".join(str(error) for error in chosen.errors.get("language", []))
        try:
            services.check_translation_language(self.programme, chosen.cleaned_data["language"])
        except ApplicationError as error:
            return str(error.message)
        return ""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.load()
        language = request.POST.get("language", "")
        state = translation_state(self.module, language)
        form = translation_form_class(state)(request.POST)
        if form.is_valid():
            try:
                services.module_translation_save(
                    organisation=self.organisation,
                    module=self.module,
                    language=language,
                    actor=request.user,
                    title=form.cleaned_data["title"],
                    objectives=form.cleaned_data["objectives"],
                    content_md=form.cleaned_data["content_md"],
                    activities=form.activities_data(),
                )
            except ApplicationError as error:
                add_application_error(form, error)
            else:
                messages.success(
                    request,
                    _("Saved the %(language)s translation of “%(title)s”.")
                    % {"language": LANGUAGE_NAMES[language], "title": self.module.title},
                )
                return redirect(
                    _detail_url(
                        self.organisation.slug, self.programme.pk, f"module-{self.module.pk}"
                    )
                )
        context = self.get_context_data(form=form, state=state)
        return self.render_to_response(context, status=400)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["module"] = self.module
        context["programme"] = self.programme
        context["languages"] = [
            translation_state(self.module, language)
            for language in translation_languages(self.programme)
        ]
        context["original_language_name"] = LANGUAGE_NAMES.get(
            self.programme.language, self.programme.language
        )
        return context


class ProgrammeBuiltinTranslationView(CurriculumPage):
    """POST: adds the built-in curriculum's text in one language as translations. GET looks the
    programme up (a 404 for another organisation's) and goes back to it."""

    permission = "programmes.manage"
    template_name = "programmes/curriculum/move_invalid.html"

    def load(self) -> None:
        self.programme = self.get_org_object(Programme, self.kwargs["programme_id"])

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.load()
        return redirect(_detail_url(self.organisation.slug, self.programme.pk))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.load()
        back = _detail_url(self.organisation.slug, self.programme.pk)
        chosen = LanguageForm(request.POST)
        if not chosen.is_valid():
            errors = [str(error) for error in chosen.errors.get("language", [])]
            return self.render_to_response(
                self.get_context_data(errors=errors, back_url=back), status=400
            )
        language = chosen.cleaned_data["language"]
        try:
            result = services.programme_translations_from_builtin(
                organisation=self.organisation,
                programme=self.programme,
                language=language,
                actor=request.user,
            )
        except ApplicationError as error:
            return self.render_to_response(
                self.get_context_data(errors=[error.message], back_url=back), status=400
            )
        message = ngettext(
            "The built-in %(language)s text was added as the translation of %(count)s module.",
            "The built-in %(language)s text was added as the translation of %(count)s modules.",
            result.modules,
        ) % {"language": LANGUAGE_NAMES[language], "count": result.modules}
        if result.skipped:
            message += " " + ngettext(
                "%(count)s module was left as it was (translated already, or retitled).",
                "%(count)s modules were left as they were (translated already, or retitled).",
                result.skipped,
            ) % {"count": result.skipped}
        messages.success(request, message)
        return redirect(back)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["errors"] = kwargs.get("errors", [])
        context["back_url"] = kwargs.get("back_url", "")
        context["programme"] = self.programme
        return context
