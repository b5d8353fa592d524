"""The organisation's settings page (admins only) and its logo."""

from typing import Any

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from cocora.core.errors import ApplicationError
from cocora.core.forms import StyledFormMixin, add_application_error
from cocora.core.images import MAX_BYTES, MAX_PIXELS
from cocora.core.middleware import allow_private_caching

from .models import Organisation
from .services_settings import CONTACT_FIELDS, organisation_update_settings
from .views_base import OrgTemplateView, OrgViewMixin

LOGO_CACHE_SECONDS = 24 * 3600


class OrganisationSettingsForm(StyledFormMixin, forms.ModelForm):  # type: ignore[type-arg]
    logo = forms.FileField(
        label=gettext_lazy("New logo"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )
    remove_logo = forms.BooleanField(label=gettext_lazy("Remove the logo"), required=False)

    class Meta:
        model = Organisation
        fields = (
            "name",
            "language",
            "time_zone",
            "digital_consent_age",
            "small_cell_threshold",
            *CONTACT_FIELDS,
        )
        widgets = {"privacy_contact_address": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Filled in per request, in the reader's language.
        self.fields["logo"].help_text = _(
            "PNG, JPEG or WebP, at most %(size)s MB and %(pixels)s megapixels. It is shown in "
            "the page header. Hidden details such as location and camera data are removed."
        ) % {"size": MAX_BYTES // (1024 * 1024), "pixels": MAX_PIXELS // 1_000_000}
        self.fields["logo"].widget.attrs["aria-describedby"] = f"{self['logo'].auto_id}_hint"


class OrganisationSettingsView(OrgTemplateView):
    permission = "organisation.manage"
    template_name = "organisations/settings.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["form"] = kwargs.get("form") or OrganisationSettingsForm(instance=self.organisation)
        context["transparency_url"] = reverse(
            "transparency", kwargs={"org_slug": self.organisation.slug}
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # The form works on a copy: a refused form must not change the header's organisation.
        instance = Organisation.objects.get(pk=self.organisation.pk)
        form = OrganisationSettingsForm(request.POST, request.FILES, instance=instance)
        if form.is_valid():
            try:
                organisation_update_settings(
                    organisation=self.organisation,
                    actor=request.user,  # type: ignore[arg-type]
                    name=form.cleaned_data["name"],
                    language=form.cleaned_data["language"],
                    time_zone=form.cleaned_data["time_zone"],
                    digital_consent_age=form.cleaned_data["digital_consent_age"],
                    small_cell_threshold=form.cleaned_data["small_cell_threshold"],
                    privacy_contact={f: form.cleaned_data[f] for f in CONTACT_FIELDS},
                    logo=form.cleaned_data.get("logo") or None,
                    remove_logo=form.cleaned_data["remove_logo"],
                )
            except ApplicationError as error:
                add_application_error(form, error)
            else:
                messages.success(request, _("The organisation's settings were saved."))
                return redirect("organisation_settings", org_slug=self.organisation.slug)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class OrganisationLogoView(OrgViewMixin, View):
    """The organisation's logo, for its own members only (never a public media address)."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        logo = self.organisation.logo
        if not logo:
            raise Http404
        try:
            handle = logo.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        content_type = "image/jpeg" if logo.name.endswith(".jpg") else "image/png"
        response = FileResponse(handle, content_type=content_type)
        # The address changes with every new logo (?v=...), so the browser may keep it a day
        # instead of fetching it on every page over a weak connection.
        response["Cache-Control"] = f"private, max-age={LOGO_CACHE_SECONDS}"
        return allow_private_caching(response)
