"""Pages of handbook exports: ask for a programme's handbook, follow its progress, download it,
retry a failed one. Only staff ("handbooks.export"); another organisation's id is a 404."""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cocora.core.errors import ApplicationError
from cocora.core.forms import StyledFormMixin, add_application_error
from cocora.organisations.views_base import OrgTemplateView
from programmes.models import HandbookExport, HandbookExportStatus, Programme

from . import services
from .selectors import (
    IN_FLIGHT,
    LIST_LIMIT,
    handbook_export_get,
    handbook_export_list,
    handbook_export_live_progress,
    handbook_language_coverage,
)


class HandbookRequestForm(StyledFormMixin, forms.Form):
    language = forms.ChoiceField(label=gettext_lazy("Language"), choices=settings.LANGUAGES)


def _row(export: HandbookExport) -> dict[str, Any]:
    status, progress = handbook_export_live_progress(export)
    return {
        "export": export,
        "status": status,
        "status_label": HandbookExportStatus(status).label,
        "progress": progress,
        "in_flight": status in IN_FLIGHT,
    }


def _exports_url(organisation_slug: str, programme_id: int) -> str:
    return reverse(
        "handbook_exports", kwargs={"org_slug": organisation_slug, "programme_id": programme_id}
    )


class HandbookPage(OrgTemplateView):
    permission = "handbooks.export"

    def get_export(self) -> HandbookExport:
        try:
            return handbook_export_get(
                organisation=self.organisation, export_id=self.kwargs["export_id"]
            )
        except HandbookExport.DoesNotExist:
            raise Http404 from None

    def back_to(self, export: HandbookExport) -> str:
        return _exports_url(self.organisation.slug, export.programme_id)  # type: ignore[attr-defined]


class HandbookExportsView(HandbookPage):
    template_name = "programmes/handbooks/exports.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        programme = self.get_org_object(Programme, self.kwargs["programme_id"])
        context["programme"] = programme
        # The organisation's language first: the handbook is usually wanted in it.
        context["form"] = kwargs.get("form") or HandbookRequestForm(
            initial={"language": self.organisation.language}
        )
        # Four queries whatever the size of the curriculum.
        context["coverage"] = handbook_language_coverage(
            organisation=self.organisation, programme=programme
        )
        context["original_language"] = programme.get_language_display()
        # This programme's handbooks only; one query whatever the length (requester joined).
        exports = list(
            handbook_export_list(organisation=self.organisation, programme=programme)[:LIST_LIMIT]
        )
        context["rows"] = [_row(export) for export in exports]
        context["refresh_url"] = self.request.path
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        programme = self.get_org_object(Programme, self.kwargs["programme_id"])
        form = HandbookRequestForm(request.POST)
        if form.is_valid():
            try:
                export = services.handbook_export_request(
                    organisation=self.organisation,
                    programme=programme,
                    language=form.cleaned_data["language"],
                    actor=request.user,
                )
            except ApplicationError as error:
                add_application_error(form, error)
            else:
                if export.status == HandbookExportStatus.DONE:
                    messages.success(
                        request,
                        _("Nothing has changed since this handbook was made: it is ready below."),
                    )
                else:
                    messages.success(
                        request,
                        _(
                            "The handbook is being made. You can leave this page and come back; "
                            "it will be listed here."
                        ),
                    )
                return redirect(_exports_url(self.organisation.slug, programme.pk))
        return self.render_to_response(self.get_context_data(form=form), status=400)


class HandbookStatusView(HandbookPage):
    """One row of the exports list, for htmx polling. Without htmx, the exports page."""

    template_name = "programmes/handbooks/_export_row.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        export = self.get_export()
        if not request.headers.get("HX-Request"):
            return redirect(self.back_to(export))
        return self.render_to_response(self.get_context_data(row=_row(export)))


class HandbookDownloadView(HandbookPage):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        export = self.get_export()
        try:
            download = services.handbook_export_download(
                organisation=self.organisation, export=export, actor=request.user
            )
        except ApplicationError:
            # Not ready, or its file is missing: the page has nothing to send.
            raise Http404 from None
        return FileResponse(
            download.handle,
            as_attachment=True,
            filename=download.filename,
            content_type="application/pdf",
        )


class HandbookRetryView(HandbookPage):
    """POST queues a failed export again; GET only looks the export up and goes back."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return redirect(self.back_to(self.get_export()))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        export = self.get_export()
        try:
            services.handbook_export_retry(
                organisation=self.organisation, export=export, actor=request.user
            )
        except ApplicationError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("The handbook is being made again."))
        return redirect(self.back_to(export))
