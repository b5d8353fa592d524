"""Sharing information about a young person with a partner, and consents to share."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from cocora.audit.services import audit_record
from cocora.core.errors import ApplicationError
from cocora.core.forms import add_application_error
from cocora.organisations.permissions import can
from cocora.organisations.views_base import OrgTemplateView
from programmes.models import Participant

from ..forms import DisclosureForm, SharingConsentForm
from ..models import Disclosure, PartnerOrganisation, SharingConsent
from ..selectors.disclosures import partners_for_sharing
from ..services import disclosures as services


class DisclosureCreateView(OrgTemplateView):
    permission = "disclosures.record"
    template_name = "partners/disclosure_form.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["participant"] = self.get_org_object(Participant, self.kwargs["participant_id"])
        context["form"] = kwargs.get("form") or DisclosureForm(
            partners=partners_for_sharing(organisation=self.organisation),
            can_override=can(self.membership, "disclosures.override"),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        participant = self.get_org_object(Participant, kwargs["participant_id"])
        form = DisclosureForm(
            request.POST,
            partners=partners_for_sharing(organisation=self.organisation),
            can_override=can(self.membership, "disclosures.override"),
        )
        if form.is_valid():
            data = form.cleaned_data
            partner = self.get_org_object(PartnerOrganisation, data["partner"])
            try:
                disclosure = services.disclosure_record(
                    organisation=self.organisation,
                    partner=partner,
                    participant=participant,
                    information_class=data["information_class"],
                    purpose=data["purpose"],
                    override_reason=data.get("override_reason", ""),
                    actor=request.user,
                )
            except ApplicationError as error:
                add_application_error(form, error)
            else:
                if disclosure.is_override:
                    messages.warning(
                        request,
                        _("Shared with %(partner)s as an override; it is highlighted in the log.")
                        % {"partner": partner.name},
                    )
                else:
                    messages.success(
                        request,
                        _("Shared with %(partner)s and recorded (%(basis)s).")
                        % {"partner": partner.name, "basis": disclosure.get_basis_display()},
                    )
                return redirect(
                    "participant_detail",
                    org_slug=self.organisation.slug,
                    participant_id=participant.pk,
                )
        return self.render_to_response(self.get_context_data(form=form), status=400)


class DisclosureDetailView(OrgTemplateView):
    """One disclosure with its purpose (and the override's reason); reading it is recorded."""

    permission = "disclosures.record"
    template_name = "partners/disclosure_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        disclosure = self.get_org_object(Disclosure, self.kwargs["disclosure_id"])
        context["disclosure"] = disclosure
        audit_record(
            organisation=self.organisation,
            actor=self.request.user,
            action="disclosure.viewed",
            target=disclosure,
        )
        return context


class SharingConsentCreateView(OrgTemplateView):
    permission = "consents.manage"
    template_name = "partners/sharing_consent_form.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["participant"] = self.get_org_object(Participant, self.kwargs["participant_id"])
        context["form"] = kwargs.get("form") or SharingConsentForm(
            partners=partners_for_sharing(organisation=self.organisation)
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        participant = self.get_org_object(Participant, kwargs["participant_id"])
        form = SharingConsentForm(
            request.POST, partners=partners_for_sharing(organisation=self.organisation)
        )
        if form.is_valid():
            data = form.cleaned_data
            partner = (
                self.get_org_object(PartnerOrganisation, data["partner"])
                if data["partner"]
                else None
            )
            try:
                services.sharing_consent_record(
                    organisation=self.organisation,
                    participant=participant,
                    partner=partner,
                    given_by=data["given_by"],
                    given_on=data["given_on"],
                    actor=request.user,
                )
            except ApplicationError as error:
                add_application_error(form, error)
            else:
                messages.success(request, _("The consent to share was recorded."))
                return redirect(
                    "participant_detail",
                    org_slug=self.organisation.slug,
                    participant_id=participant.pk,
                )
        return self.render_to_response(self.get_context_data(form=form), status=400)


class SharingConsentWithdrawView(OrgTemplateView):
    """Asks first, then withdraws with immediate effect."""

    permission = "consents.manage"
    template_name = "partners/sharing_consent_withdraw.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["consent"] = self.get_org_object(SharingConsent, self.kwargs["sharing_consent_id"])
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        consent = self.get_org_object(SharingConsent, kwargs["sharing_consent_id"])
        try:
            services.sharing_consent_withdraw(
                organisation=self.organisation, consent=consent, actor=request.user
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("The consent to share was withdrawn, with immediate effect.")
            )
        return redirect(
            "participant_detail",
            org_slug=self.organisation.slug,
            participant_id=consent.participant_id,
        )
