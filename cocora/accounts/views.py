from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from django.views.i18n import set_language as django_set_language

from cocora.core.forms import StyledFormMixin
from cocora.core.text import validate_name

from .models import User
from .services import user_set_language, user_update_profile


class ProfileForm(StyledFormMixin, forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Your name"),
        max_length=User._meta.get_field("name").max_length,
        required=False,
        validators=[validate_name],
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language"),
        choices=[("", gettext_lazy("As my organisation or browser")), *settings.LANGUAGES],
        required=False,
        help_text=gettext_lazy("Pages and the emails you receive are shown in this language."),
    )


class ProfileView(LoginRequiredMixin, TemplateView):
    template_name = "accounts/profile.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["form"] = kwargs.get("form") or ProfileForm(
            initial={"name": self.request.user.name, "language": self.request.user.language}  # type: ignore[union-attr]
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = ProfileForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        user_update_profile(user=request.user, name=form.cleaned_data["name"])  # type: ignore[arg-type]
        user_set_language(user=request.user, language=form.cleaned_data["language"])  # type: ignore[arg-type]
        # The confirmation below is in the language just chosen.
        translation.activate(request.user.language or translation.get_language())  # type: ignore[union-attr]
        messages.success(request, _("Your profile was saved."))
        return redirect("profile")


def set_language(request: HttpRequest) -> HttpResponse:
    """The footer's language choice. Django's view sets the cookie; a signed-in person's choice
    is also saved on their account, so it follows them to their next sign-in on any device."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if (
        request.method == "POST"
        and request.user.is_authenticated
        and language in dict(settings.LANGUAGES)
    ):
        user_set_language(user=request.user, language=language)  # type: ignore[arg-type]
    return response
