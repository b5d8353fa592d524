"""Participant pages: list with filters, create and edit, detail with consents, consent form."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cocora.audit.selectors import audit_events_for
from cocora.audit.services import audit_record
from cocora.core.errors import ApplicationError
from cocora.core.forms import add_application_error
from cocora.core.ids import parse_id
from cocora.core.paging import page_of_rows
from cocora.organisations.permissions import can
from cocora.organisations.views_base import OrgTemplateView
from cocora.privacy.selectors import transparency_facts

from ..exports import participants_export
from ..forms import ConsentForm, ParticipantBulkForm, ParticipantForm
from ..models import Cohort, Consent, ConsentScope, EnrolmentStage, Participant
from ..panels import render_panels
from ..selectors.participants import (
    ConsentState,
    participant_detail,
    participant_queryset,
    participant_rows,
)
from ..services import consent as consent_services
from ..services import participants as services


class ParticipantListView(OrgTemplateView):
    permission = "participants.view"
    template_name = "programmes/participants/list.html"
    page_size = 100

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        params = self.request.GET
        filters = {
            "search": params.get("q", "").strip()[:100],
            "cohort_id": parse_id(params.get("cohort", "")),
            "stage": params.get("stage", "")
            if params.get("stage") in EnrolmentStage.values
            else "",
            "consent": params.get("consent", "")
            if params.get("consent") in (ConsentState.COMPLETE, ConsentState.MISSING)
            else "",
        }
        consent = filters.pop("consent")
        # Whether consent is complete depends on ages and dates, decided in Python: with that
        # filter every match is read, then paged.
        paged = page_of_rows(
            self.request,
            participant_queryset(organisation=self.organisation, listing=True, **filters),
            lambda participants: participant_rows(participants, organisation=self.organisation),
            per_page=self.page_size,
            keep=(lambda row: row.consent_complete == (consent == ConsentState.COMPLETE))
            if consent
            else None,
        )
        filters["consent"] = consent
        context["rows"] = paged.items
        context["paged"] = paged
        context["filters"] = filters
        context["cohorts"] = list(Cohort.objects.for_org(self.organisation).order_by("name"))
        context["stages"] = EnrolmentStage.choices
        context["can_manage"] = can(self.membership, "participants.manage")
        context["can_import"] = can(self.membership, "participants.import")
        context["filtered"] = any(filters.values())
        context["can_record_consent"] = can(self.membership, "consents.manage")
        context["can_export"] = can(self.membership, "participants.export")
        context["can_bulk"] = context["can_record_consent"] or context["can_export"]
        context["bulk_form"] = kwargs.get("bulk_form") or ParticipantBulkForm()
        context["chosen"] = kwargs.get("chosen") or set()
        context["query"] = params.urlencode()
        return context


class ParticipantBulkView(ParticipantListView):
    """The list's bulk actions on the people ticked on it: record a consent received on paper
    for all of them, or export them. The list's filters come along in the query string, so a
    refusal shows the same list again with the same people ticked and the reason."""

    http_method_names = ["post"]
    # Each action checks its own permission, the same as for one person.
    ACTION_PERMISSIONS = {
        ParticipantBulkForm.CONSENT: "consents.manage",
        ParticipantBulkForm.EXPORT: "participants.export",
    }

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = ParticipantBulkForm(request.POST)
        ids = [pk for pk in map(parse_id, request.POST.getlist("participants")) if pk]
        if not form.is_valid():
            return self._refused(form, ids)
        data = form.cleaned_data
        if not can(self.membership, self.ACTION_PERMISSIONS[data["action"]]):
            raise PermissionDenied
        try:
            if data["action"] == ParticipantBulkForm.EXPORT:
                export = participants_export(
                    organisation=self.organisation,
                    participant_ids=ids,
                    fmt=data["fmt"],
                    actor=request.user,
                )
                return export.response()
            consents = consent_services.consent_record_many(
                organisation=self.organisation,
                participant_ids=ids,
                scope=data["scope"],
                given_by=data["given_by"],
                given_on=data["given_on"],
                actor=request.user,
            )
        except ApplicationError as error:
            add_application_error(form, error)
            return self._refused(form, ids)
        messages.success(
            request,
            ngettext(
                "The consent was recorded for %(count)s person.",
                "The consent was recorded for %(count)s people.",
                len(consents),
            )
            % {"count": len(consents)},
        )
        url = reverse("participant_list", kwargs={"org_slug": self.organisation.slug})
        query = request.GET.urlencode()
        return redirect(f"{url}?{query}" if query else url)

    def _refused(self, form: ParticipantBulkForm, ids: list[int]) -> HttpResponse:
        context = self.get_context_data(bulk_form=form, chosen=set(ids))
        return self.render_to_response(context, status=400)


class ParticipantCreateView(OrgTemplateView):
    permission = "participants.manage"
    template_name = "programmes/participants/form.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["form"] = kwargs.get("form") or ParticipantForm()
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = ParticipantForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                participant = services.participant_create(
                    organisation=self.organisation, actor=request.user, **data
                )
            except ApplicationError as error:
                add_application_error(form, error)
            else:
                messages.success(
                    request,
                    _("%(name)s was added with the code %(code)s. Next: record their consent.")
                    % {"name": participant.display_name, "code": participant.code},
                )
                return redirect(
                    "participant_detail",
                    org_slug=self.organisation.slug,
                    participant_id=participant.pk,
                )
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ParticipantEditView(OrgTemplateView):
    permission = "participants.manage"
    template_name = "programmes/participants/form.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        participant = self.get_org_object(Participant, self.kwargs["participant_id"])
        context["participant"] = participant
        context["form"] = kwargs.get("form") or ParticipantForm(instance=participant)
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        participant = self.get_org_object(Participant, kwargs["participant_id"])
        form = ParticipantForm(request.POST, instance=Participant(pk=participant.pk))
        if form.is_valid():
            try:
                services.participant_update(
                    organisation=self.organisation,
                    participant=participant,
                    actor=request.user,
                    **form.cleaned_data,
                )
            except ApplicationError as error:
                add_application_error(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect(
                    "participant_detail",
                    org_slug=self.organisation.slug,
                    participant_id=participant.pk,
                )
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ParticipantDetailView(OrgTemplateView):
    permission = "participants.view"
    template_name = "programmes/participants/detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        participant = self.get_org_object(Participant, self.kwargs["participant_id"])
        context["participant"] = participant
        context.update(participant_detail(organisation=self.organisation, participant=participant))
        context["consent_form"] = kwargs.get("consent_form") or ConsentForm()
        context["can_manage"] = can(self.membership, "consents.manage")
        context["can_handle_requests"] = can(self.membership, "privacy.manage")
        context["panels"] = render_panels(
            request=self.request,
            organisation=self.organisation,
            membership=self.membership,
            participant=participant,
        )
        if self.request.method == "GET":
            services.participant_record_viewed(
                organisation=self.organisation, participant=participant, actor=self.request.user
            )
        context["seen_by"] = (
            audit_events_for(organisation=self.organisation, target=participant)
            if can(self.membership, "audit.record_view")
            else None
        )
        return context


class ConsentCreateView(ParticipantDetailView):
    permission = "consents.manage"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        participant = self.get_org_object(Participant, kwargs["participant_id"])
        form = ConsentForm(request.POST)
        if form.is_valid():
            try:
                consent_services.consent_record(
                    organisation=self.organisation,
                    participant=participant,
                    actor=request.user,
                    **form.cleaned_data,
                )
            except ApplicationError as error:
                add_application_error(form, error)
            else:
                messages.success(request, _("The consent was recorded."))
                return redirect(
                    "participant_detail",
                    org_slug=self.organisation.slug,
                    participant_id=participant.pk,
                )
        return self.render_to_response(self.get_context_data(consent_form=form), status=400)


class ConsentWithdrawView(OrgTemplateView):
    permission = "consents.manage"
    template_name = "programmes/participants/consent_withdraw.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["consent"] = self.get_org_object(Consent, self.kwargs["consent_id"])
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        consent = self.get_org_object(Consent, kwargs["consent_id"])
        try:
            consent_services.consent_withdraw(
                organisation=self.organisation, consent=consent, actor=request.user
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            if consent.scope == ConsentScope.CONTACT:
                messages.success(
                    request, _("Withdrawn. No message will reach this person from now on.")
                )
            elif consent.scope == ConsentScope.PARTICIPATION:
                messages.success(
                    request,
                    _(
                        "The consent was withdrawn, with immediate effect. Without consent to take "
                        "part, the person's places in cohorts were withdrawn too."
                    ),
                )
            else:
                messages.success(request, _("The consent was withdrawn, with immediate effect."))
        return redirect(
            "participant_detail",
            org_slug=self.organisation.slug,
            participant_id=consent.participant_id,
        )


class ConsentFormPrintView(OrgTemplateView):
    """A printable consent form for guardians, with the participant's name and code filled in."""

    permission = "participants.view"
    template_name = "programmes/participants/consent_form_print.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        participant = self.get_org_object(Participant, self.kwargs["participant_id"])
        context["participant"] = participant
        context["scopes"] = ConsentScope.choices
        # The same facts as the public transparency page, so that the two cannot disagree.
        context["facts"] = transparency_facts(organisation=self.organisation)
        context["transparency_url"] = self.request.build_absolute_uri(
            reverse("transparency", kwargs={"org_slug": self.organisation.slug})
        )
        audit_record(
            organisation=self.organisation,
            actor=self.request.user,
            action="participant.consent_form_printed",
            target=participant,
        )
        return context
