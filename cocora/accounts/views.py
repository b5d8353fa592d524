from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from cocora.core.forms import StyledFormMixin
from cocora.core.text import validate_name

from .models import User
from .services import user_update_profile


class ProfileForm(StyledFormMixin, forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Your name"),
        max_length=User._meta.get_field("name").max_length,
        required=False,
        validators=[validate_name],
    )


class ProfileView(LoginRequiredMixin, TemplateView):
    template_name = "accounts/profile.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["form"] = kwargs.get("form") or ProfileForm(
            initial={"name": self.request.user.name}  # type: ignore[union-attr]
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = ProfileForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        user_update_profile(user=request.user, name=form.cleaned_data["name"])  # type: ignore[arg-type]
        messages.success(request, _("Your profile was saved."))
        return redirect("profile")
