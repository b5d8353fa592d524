"""Pages of the impact app: a programme's objectives and indicators with their progress, and
its funder reports. Staff edit; trainers read the impact page; reports are for staff."""

from typing import Any, ClassVar

from django import forms
from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from cocora.core.charts import Series, bar_chart
from cocora.core.dates import organisation_today
from cocora.core.errors import ApplicationError
from cocora.core.forms import add_application_error
from cocora.organisations.permissions import can
from cocora.organisations.views_base import OrgTemplateView
from programmes.models import Programme

from . import services
from .documents import funder_report_export, report_context
from .forms import IndicatorForm, ObjectiveForm, ReportForm
from .models import ReportPdfStatus
from .selectors import (
    IndicatorProgress,
    indicator_get,
    objective_get,
    programme_impact,
    report_get,
    report_queryset,
)


def impact_url(organisation_slug: str, programme_id: int) -> str:
    return reverse(
        "impact_programme", kwargs={"org_slug": organisation_slug, "programme_id": programme_id}
    )


def report_url(organisation_slug: str, report_id: int) -> str:
    return reverse("impact_report", kwargs={"org_slug": organisation_slug, "report_id": report_id})


def progress_chart(rows: list[IndicatorProgress]) -> Any:
    """Each indicator's value beside its target, as a share of the target so that counts, rates
    and changes fit one scale (a hidden value stays a gap)."""
    if not rows:
        return None
    return bar_chart(
        title=_("Progress against targets"),
        categories=[row.label for row in rows],
        series=[
            Series(_("Reached"), [row.value for row in rows]),
            Series(_("Target"), [float(row.target) for row in rows]),
        ],
    )


class ImpactView(OrgTemplateView):
    permission = "impact.view"
    template_name = "impact/programme.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        programme = self.get_org_object(Programme, self.kwargs["programme_id"])
        objectives = programme_impact(
            organisation=self.organisation,
            programme=programme,
            today=organisation_today(self.organisation),
        )
        rows = [row for objective in objectives for row in objective.rows]
        context.update(
            programme=programme,
            objectives=objectives,
            chart=progress_chart(rows),
            behind=sum(1 for row in rows if row.behind),
            can_manage=can(self.membership, "impact.manage"),
            can_report=can(self.membership, "impact_reports.view"),
        )
        return context


class FormPage(OrgTemplateView):
    """A page with one form: `load` finds the objects, `initial` fills the form, `save` calls
    the service and returns where to go next."""

    form_class: ClassVar[type[forms.Form]]
    success_message: ClassVar[str] = ""

    def load(self) -> None:
        raise NotImplementedError

    def initial(self) -> dict[str, Any]:
        return {}

    def save(self, data: dict[str, Any]) -> str:
        raise NotImplementedError

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        self.load()
        context.update(vars(self).get("page_objects", {}))
        context["form"] = kwargs.get("form") or self.form_class(initial=self.initial())
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.load()
        form = self.form_class(request.POST)
        if form.is_valid():
            try:
                target = self.save(form.cleaned_data)
            except ApplicationError as error:
                add_application_error(form, error)
            else:
                messages.success(request, self.success_message or _("Saved."))
                return redirect(target)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ObjectiveCreateView(FormPage):
    permission = "impact.manage"
    template_name = "impact/objective_form.html"
    form_class = ObjectiveForm

    def load(self) -> None:
        self.programme = self.get_org_object(Programme, self.kwargs["programme_id"])
        self.page_objects = {"programme": self.programme}

    def save(self, data: dict[str, Any]) -> str:
        objective = services.objective_create(
            organisation=self.organisation,
            programme=self.programme,
            actor=self.request.user,
            **data,
        )
        return reverse(
            "impact_indicator_create",
            kwargs={"org_slug": self.organisation.slug, "objective_id": objective.pk},
        )


class ObjectiveEditView(FormPage):
    permission = "impact.manage"
    template_name = "impact/objective_form.html"
    form_class = ObjectiveForm

    def load(self) -> None:
        self.objective = objective_get(
            organisation=self.organisation, objective_id=self.kwargs["objective_id"]
        )
        self.page_objects = {"programme": self.objective.programme, "objective": self.objective}

    def initial(self) -> dict[str, Any]:
        return {"title": self.objective.title, "description": self.objective.description}

    def save(self, data: dict[str, Any]) -> str:
        services.objective_update(
            organisation=self.organisation,
            objective=self.objective,
            actor=self.request.user,
            **data,
        )
        return impact_url(self.organisation.slug, self.objective.programme_id)  # type: ignore[attr-defined]


def _indicator_fields(data: dict[str, Any]) -> dict[str, Any]:
    return {name: data[name] for name in services.INDICATOR_FIELDS}


class IndicatorCreateView(FormPage):
    permission = "impact.manage"
    template_name = "impact/indicator_form.html"
    form_class = IndicatorForm

    def load(self) -> None:
        self.objective = objective_get(
            organisation=self.organisation, objective_id=self.kwargs["objective_id"]
        )
        self.page_objects = {"programme": self.objective.programme, "objective": self.objective}

    def save(self, data: dict[str, Any]) -> str:
        services.indicator_create(
            organisation=self.organisation,
            objective=self.objective,
            actor=self.request.user,
            **_indicator_fields(data),
        )
        return impact_url(self.organisation.slug, self.objective.programme_id)  # type: ignore[attr-defined]


class IndicatorEditView(FormPage):
    permission = "impact.manage"
    template_name = "impact/indicator_form.html"
    form_class = IndicatorForm

    def load(self) -> None:
        self.indicator = indicator_get(
            organisation=self.organisation, indicator_id=self.kwargs["indicator_id"]
        )
        objective = self.indicator.objective
        self.page_objects = {
            "programme": objective.programme,
            "objective": objective,
            "indicator": self.indicator,
        }

    def initial(self) -> dict[str, Any]:
        return {name: getattr(self.indicator, name) for name in services.INDICATOR_FIELDS}

    def save(self, data: dict[str, Any]) -> str:
        services.indicator_update(
            organisation=self.organisation,
            indicator=self.indicator,
            actor=self.request.user,
            **_indicator_fields(data),
        )
        return impact_url(self.organisation.slug, self.indicator.objective.programme_id)  # type: ignore[attr-defined]


class DeletePage(OrgTemplateView):
    """Asks before deleting; the service deletes."""

    permission = "impact.manage"
    template_name = "impact/delete.html"

    def load(self) -> tuple[Any, str, str]:
        """(the object, what it is called, where to go after)."""
        raise NotImplementedError

    def delete(self, obj: Any) -> None:
        raise NotImplementedError

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        obj, name, back = self.load()
        context.update(object=obj, name=name, back=back)
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        obj, name, back = self.load()
        self.delete(obj)
        messages.success(request, _("“%(name)s” was deleted.") % {"name": name})
        return redirect(back)


class ObjectiveDeleteView(DeletePage):
    def load(self) -> tuple[Any, str, str]:
        objective = objective_get(
            organisation=self.organisation, objective_id=self.kwargs["objective_id"]
        )
        return (
            objective,
            objective.title,
            impact_url(self.organisation.slug, objective.programme_id),
        )  # type: ignore[attr-defined]

    def delete(self, obj: Any) -> None:
        services.objective_delete(
            organisation=self.organisation, objective=obj, actor=self.request.user
        )


class IndicatorDeleteView(DeletePage):
    def load(self) -> tuple[Any, str, str]:
        indicator = indicator_get(
            organisation=self.organisation, indicator_id=self.kwargs["indicator_id"]
        )
        return (
            indicator,
            str(indicator.objective),
            impact_url(self.organisation.slug, indicator.objective.programme_id),  # type: ignore[attr-defined]
        )

    def delete(self, obj: Any) -> None:
        services.indicator_delete(
            organisation=self.organisation, indicator=obj, actor=self.request.user
        )


# -- funder reports --------------------------------------------------------------------------


class ReportListView(OrgTemplateView):
    permission = "impact_reports.view"
    template_name = "impact/report_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        programme = self.get_org_object(Programme, self.kwargs["programme_id"])
        context["programme"] = programme
        context["reports"] = list(
            report_queryset(organisation=self.organisation).filter(programme=programme)
        )
        return context


class ReportCreateView(FormPage):
    permission = "impact_reports.manage"
    template_name = "impact/report_form.html"
    form_class = ReportForm

    def load(self) -> None:
        self.programme = self.get_org_object(Programme, self.kwargs["programme_id"])
        self.page_objects = {"programme": self.programme}

    def initial(self) -> dict[str, Any]:
        return {"title": _("Report on %(programme)s") % {"programme": self.programme.title}}

    def save(self, data: dict[str, Any]) -> str:
        report = services.funder_report_create(
            organisation=self.organisation,
            programme=self.programme,
            actor=self.request.user,
            **data,
        )
        return report_url(self.organisation.slug, report.pk)


class ReportEditView(FormPage):
    permission = "impact_reports.manage"
    template_name = "impact/report_form.html"
    form_class = ReportForm

    def load(self) -> None:
        self.report = report_get(organisation=self.organisation, report_id=self.kwargs["report_id"])
        self.page_objects = {"programme": self.report.programme, "report": self.report}

    def initial(self) -> dict[str, Any]:
        return {name: getattr(self.report, name) for name in services.REPORT_FIELDS}

    def save(self, data: dict[str, Any]) -> str:
        services.funder_report_update(
            organisation=self.organisation, report=self.report, actor=self.request.user, **data
        )
        return report_url(self.organisation.slug, self.report.pk)


class ReportDeleteView(DeletePage):
    permission = "impact_reports.manage"

    def load(self) -> tuple[Any, str, str]:
        report = report_get(organisation=self.organisation, report_id=self.kwargs["report_id"])
        back = reverse(
            "impact_reports",
            kwargs={"org_slug": self.organisation.slug, "programme_id": report.programme_id},  # type: ignore[attr-defined]
        )
        return report, report.title, back

    def delete(self, obj: Any) -> None:
        services.funder_report_delete(
            organisation=self.organisation, report=obj, actor=self.request.user
        )


class ReportDetailView(OrgTemplateView):
    permission = "impact_reports.view"
    template_name = "impact/report_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        report = report_get(organisation=self.organisation, report_id=self.kwargs["report_id"])
        context.update(report_context(organisation=self.organisation, report=report))
        context["programme"] = report.programme
        context["can_manage"] = can(self.membership, "impact_reports.manage")
        context["pdf_in_flight"] = report.pdf_status in (
            ReportPdfStatus.QUEUED,
            ReportPdfStatus.RENDERING,
        )
        return context


class ReportExportView(OrgTemplateView):
    permission = "impact_reports.view"
    fmt: ClassVar[str] = "csv"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        report = report_get(organisation=self.organisation, report_id=kwargs["report_id"])
        exported = funder_report_export(
            organisation=self.organisation, report=report, fmt=self.fmt, actor=request.user
        )
        response = HttpResponse(exported.content, content_type=exported.content_type)
        response["Content-Disposition"] = f'attachment; filename="{exported.filename}"'
        return response


class ReportCsvView(ReportExportView):
    fmt = "csv"


class ReportXlsxView(ReportExportView):
    fmt = "xlsx"


class ReportPdfView(OrgTemplateView):
    """GET: the finished PDF. POST: ask for it (again) with today's figures."""

    permission = "impact_reports.view"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:  # type: ignore[override]
        report = report_get(organisation=self.organisation, report_id=kwargs["report_id"])
        try:
            handle = services.funder_report_pdf_open(
                organisation=self.organisation, report=report, actor=request.user
            )
        except ApplicationError as error:
            messages.info(request, error.message)
            return redirect(report_url(self.organisation.slug, report.pk))
        return FileResponse(
            handle,
            as_attachment=True,
            filename=f"report-{report.pk}.pdf",
            content_type="application/pdf",
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        report = report_get(organisation=self.organisation, report_id=kwargs["report_id"])
        services.funder_report_pdf_request(
            organisation=self.organisation, report=report, actor=request.user
        )
        messages.success(request, _("The PDF is being made. This page shows when it is ready."))
        return redirect(report_url(self.organisation.slug, report.pk))
