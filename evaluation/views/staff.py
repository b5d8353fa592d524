"""Staff pages of the evaluation: the questionnaires and their wording, a cohort's rounds and
results, the printable list of links, the trainer's device mode, and a programme's results."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cocora.core.charts import Chart, Series, bar_chart
from cocora.core.errors import ApplicationError
from cocora.core.forms import add_application_error
from cocora.core.paging import page_of
from cocora.core.suppression import threshold_for
from cocora.organisations.permissions import can
from cocora.organisations.views_base import OrgTemplateView
from programmes.models import Programme
from programmes.selectors.cohorts import cohort_get

from ..forms import ItemWordingForm, WaveOpenForm
from ..instruments import current_language
from ..models import Instrument, InstrumentKind, Item, ItemKind, Wave, WaveKind
from ..selectors.analysis import ScaleChange, scale_changes
from ..selectors.waves import (
    instrument_list,
    item_list,
    link_for_enrolment,
    link_list,
    open_answer_texts,
    open_answers,
    open_questions,
    wave_get,
    wave_list,
)
from ..services import instruments as instrument_services
from ..services import waves as wave_services
from ..services.waves import eligible_enrolments, instrument_kind_for
from .public import participant_language, render_questionnaire


def outcome_chart(changes: list[ScaleChange]) -> Chart | None:
    """Mean score per scale before and after, for the people who answered both times."""
    if not changes:
        return None
    return bar_chart(
        title=_("Mean score before and after (1 to 5)"),
        categories=[change.label for change in changes],
        series=[
            Series(_("Baseline"), [change.mean_pre for change in changes]),
            Series(_("End"), [change.mean_post for change in changes]),
        ],
        maximum=5,
    )


class EvaluationHomeView(OrgTemplateView):
    """The questionnaires of the organisation and where results are."""

    permission = "evaluation.view"
    template_name = "evaluation/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        instruments = {i.kind: i for i in instrument_list(organisation=self.organisation)}
        context["instruments"] = [
            (kind, label, instruments.get(kind)) for kind, label in InstrumentKind.choices
        ]
        context["programmes"] = (
            Programme.objects.for_org(self.organisation)
            .exclude(kind="collaborative")
            .order_by("title", "pk")
        )
        context["can_manage"] = can(self.membership, "evaluation.manage")
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can(self.membership, "evaluation.manage"):
            return self.http_method_not_allowed(request, *args, **kwargs)
        kind = request.POST.get("kind", "")
        if kind in InstrumentKind.values:
            instrument_services.instrument_ensure(organisation=self.organisation, kind=kind)
            messages.success(request, _("Your organisation's copy is ready to edit."))
        return redirect("evaluation_home", org_slug=self.organisation.slug)


class InstrumentDetailView(OrgTemplateView):
    permission = "evaluation.view"
    template_name = "evaluation/instrument.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        instrument = self.get_org_object(Instrument, self.kwargs["instrument_id"])
        language = translation.get_language() or "en"
        context["instrument"] = instrument
        context["items"] = [
            (item, item.text_in(language))
            for item in item_list(organisation=self.organisation, instrument=instrument)
        ]
        context["can_manage"] = can(self.membership, "evaluation.manage")
        return context


class ItemEditView(OrgTemplateView):
    permission = "evaluation.manage"
    template_name = "evaluation/item_edit.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        item = self.get_org_object(Item, self.kwargs["item_id"])
        context["item"] = item
        context["answered"] = item.answers.exists()
        context["form"] = kwargs.get("form") or ItemWordingForm(
            initial={f"text_{language}": text for language, text in item.texts.items()}
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        item = self.get_org_object(Item, kwargs["item_id"])
        form = ItemWordingForm(request.POST)
        if request.POST.get("action") == "delete":
            try:
                instrument_services.item_delete(
                    organisation=self.organisation, item=item, actor=request.user
                )
            except ApplicationError as error:
                form = ItemWordingForm(
                    initial={f"text_{lang}": text for lang, text in item.texts.items()}
                )
                messages.error(request, str(error.message))
                return self.render_to_response(self.get_context_data(form=form), status=400)
            messages.success(request, _("The question was removed."))
            return redirect(
                "evaluation_instrument",
                org_slug=self.organisation.slug,
                instrument_id=item.instrument_id,
            )
        if form.is_valid():
            try:
                instrument_services.item_reword(
                    organisation=self.organisation,
                    item=item,
                    texts=form.texts(),
                    actor=request.user,
                )
            except ApplicationError as error:
                add_application_error(form, error)
            else:
                messages.success(request, _("The new wording is saved."))
                return redirect(
                    "evaluation_instrument",
                    org_slug=self.organisation.slug,
                    instrument_id=item.instrument_id,
                )
        return self.render_to_response(self.get_context_data(form=form), status=400)


class CohortEvaluationView(OrgTemplateView):
    """A cohort's rounds (open, close, invite newcomers) and its results."""

    permission = "evaluation.view"
    template_name = "evaluation/cohort.html"

    def get_cohort(self) -> Any:
        return cohort_get(
            organisation=self.organisation,
            membership=self.membership,
            cohort_id=self.kwargs["cohort_id"],
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        cohort = self.get_cohort()
        changes = scale_changes(organisation=self.organisation, cohort=cohort)
        waves = list(wave_list(organisation=self.organisation, cohort=cohort))
        opened = {wave.kind for wave in waves}
        context.update(
            cohort=cohort,
            waves=waves,
            has_instrument=instrument_kind_for(cohort) is not None,
            open_form=kwargs.get("open_form")
            or WaveOpenForm(
                initial={"kind": next((k for k in WaveKind.values if k not in opened), "")}
            ),
            changes=changes,
            chart=outcome_chart(changes),
            open_answers=open_answers(organisation=self.organisation, cohort=cohort),
            threshold=threshold_for(self.organisation),
            can_manage=can(self.membership, "evaluation.manage"),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can(self.membership, "evaluation.manage"):
            return self.http_method_not_allowed(request, *args, **kwargs)
        cohort = self.get_cohort()
        action = request.POST.get("action")
        form = WaveOpenForm(request.POST if action == "open" else None)
        try:
            if action == "open":
                if not form.is_valid():
                    return self.render_to_response(
                        self.get_context_data(open_form=form), status=400
                    )
                wave = wave_services.wave_open(
                    organisation=self.organisation,
                    cohort=cohort,
                    kind=form.cleaned_data["kind"],
                    actor=request.user,
                )
                messages.success(request, _("The round is open. Print the list of codes."))
            elif action in ("close", "invite"):
                wave = self.get_org_object(Wave, request.POST.get("wave"), cohort=cohort)
                if action == "close":
                    wave_services.wave_close(
                        organisation=self.organisation, wave=wave, actor=request.user
                    )
                    messages.success(request, _("The round is closed: its links no longer work."))
                else:
                    made = wave_services.wave_invite(organisation=self.organisation, wave=wave)
                    messages.success(
                        request,
                        ngettext(
                            "%(count)s person newly invited.",
                            "%(count)s people newly invited.",
                            made,
                        )
                        % {"count": made},
                    )
        except ApplicationError as error:
            add_application_error(form, error)
            return self.render_to_response(self.get_context_data(open_form=form), status=400)
        return redirect("evaluation_cohort", org_slug=self.organisation.slug, cohort_id=cohort.pk)


class WaveLinksView(OrgTemplateView):
    """The printable list: each invited person's name and code, for the trainer to hand out."""

    permission = "evaluation.administer"
    template_name = "evaluation/links.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        wave = wave_get(
            organisation=self.organisation,
            membership=self.membership,
            wave_id=self.kwargs["wave_id"],
        )
        context["wave"] = wave
        context["links"] = link_list(organisation=self.organisation, wave=wave)
        for row in context["links"]:
            row["url"] = self.request.build_absolute_uri(
                reverse(
                    "survey_answer",
                    kwargs={"org_slug": self.organisation.slug, "code": row["code"]},
                )
            )
        return context


class DeviceQueueView(OrgTemplateView):
    """Trainer's device mode: the people still to answer, to hand the phone to one by one."""

    permission = "evaluation.administer"
    template_name = "evaluation/device_queue.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        wave = wave_get(
            organisation=self.organisation,
            membership=self.membership,
            wave_id=self.kwargs["wave_id"],
        )
        used = {
            row["enrolment_id"]
            for row in link_list(organisation=self.organisation, wave=wave)
            if row["used"]
        }
        linked = {
            row["enrolment_id"] for row in link_list(organisation=self.organisation, wave=wave)
        }
        context["wave"] = wave
        context["people"] = [
            enrolment
            for enrolment in eligible_enrolments(organisation=self.organisation, cohort=wave.cohort)
            if enrolment.pk in linked and enrolment.pk not in used
        ]
        return context


class DeviceAnswerView(OrgTemplateView):
    """One person's questionnaire on the trainer's phone. After sending, a neutral page asks
    to hand the phone back; the next person never sees these answers."""

    permission = "evaluation.administer"

    def _answer(self, request: HttpRequest) -> HttpResponse:
        wave = wave_get(
            organisation=self.organisation,
            membership=self.membership,
            wave_id=self.kwargs["wave_id"],
        )
        link = link_for_enrolment(
            organisation=self.organisation, wave=wave, enrolment_id=self.kwargs["enrolment_id"]
        )
        language = participant_language(request, link, self.organisation)
        with translation.override(language):
            return render_questionnaire(
                request,
                organisation=self.organisation,
                link=link,
                language=language,
                template="evaluation/device_answer.html",
                extra={
                    "success_url": reverse(
                        "evaluation_device_done",
                        kwargs={"org_slug": self.organisation.slug, "wave_id": wave.pk},
                    ),
                    "action": request.path,
                    "wave": wave,
                },
            )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self._answer(request)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self._answer(request)


class DeviceDoneView(OrgTemplateView):
    permission = "evaluation.administer"
    template_name = "evaluation/device_done.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["wave"] = wave_get(
            organisation=self.organisation,
            membership=self.membership,
            wave_id=self.kwargs["wave_id"],
        )
        return context


class ProgrammeResultsView(OrgTemplateView):
    """A programme's results across its cohorts (admins and coordinators)."""

    permission = "evaluation.manage"
    template_name = "evaluation/programme.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        programme = self.get_org_object(Programme, self.kwargs["programme_id"])
        changes = scale_changes(organisation=self.organisation, programme=programme)
        context.update(
            programme=programme,
            changes=changes,
            chart=outcome_chart(changes),
            open_questions=open_questions(organisation=self.organisation, programme=programme),
            threshold=threshold_for(self.organisation),
        )
        return context


class OpenAnswersView(OrgTemplateView):
    """The answers to one open question across a programme's cohorts, pooled, in alphabetical
    order and a page at a time; a cohort in which fewer people answered than the small-cell
    threshold adds none."""

    permission = "evaluation.manage"
    template_name = "evaluation/open_answers.html"
    page_size = 100

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        programme = self.get_org_object(Programme, self.kwargs["programme_id"])
        item = self.get_org_object(Item, self.kwargs["item_id"], kind=ItemKind.OPEN)
        # Only the cohorts in which enough people answered add their answers (none: withheld).
        texts = open_answer_texts(organisation=self.organisation, programme=programme, item=item)
        context.update(
            programme=programme,
            question=item.text_in(current_language()),
            threshold=threshold_for(self.organisation),
            withheld=not texts,
            paged=page_of(self.request, texts, per_page=self.page_size) if texts else None,
        )
        return context
