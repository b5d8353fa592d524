"""Directory pages: partner list with filters, partner page, contacts, agreement with its sharing
matrix (and its printable version), integrity checks."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from cocora.audit.services import audit_record
from cocora.core.errors import ApplicationError
from cocora.core.forms import add_application_error
from cocora.core.paging import page_of, page_of_rows
from cocora.organisations.models import Membership, Role
from cocora.organisations.permissions import can
from cocora.organisations.views_base import OrgTemplateView

from ..forms import (
    AgreementForm,
    InformedForm,
    IntegrityCheckForm,
    PartnerContactForm,
    PartnerForm,
)
from ..models import (
    Agreement,
    InformationClass,
    IntegrityCheck,
    PartnerContact,
    PartnerKind,
    PartnerOrganisation,
    PartnerStatus,
)
from ..selectors.partners import (
    ReviewFilter,
    agreement_for,
    matrix_rows,
    partner_detail,
    partner_queryset,
    partner_rows,
)
from ..services import agreements as agreement_services
from ..services import checks as check_services
from ..services import directory as services


class PartnerListView(OrgTemplateView):
    permission = "partners.view"
    template_name = "partners/list.html"
    page_size = 100

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        params = self.request.GET
        filters = {
            "kind": params.get("kind", "") if params.get("kind") in PartnerKind.values else "",
            "status": params.get("status", "")
            if params.get("status") in PartnerStatus.values
            else "",
            "review": params.get("review", "")
            if params.get("review") in ReviewFilter.CHOICES
            else "",
        }
        review = filters["review"]
        # The review state is judged in Python from each partner's latest check: with that
        # filter every match is judged, then paged.
        paged = page_of_rows(
            self.request,
            partner_queryset(
                organisation=self.organisation, kind=filters["kind"], status=filters["status"]
            ),
            lambda partners: partner_rows(organisation=self.organisation, partners=partners),
            per_page=self.page_size,
            keep=(lambda row: row.review_state == review) if review else None,
        )
        context["rows"] = paged.items
        context["paged"] = paged
        context["filters"] = filters
        context["filtered"] = any(filters.values())
        context["kinds"] = PartnerKind.choices
        context["statuses"] = PartnerStatus.choices
        context["can_manage"] = can(self.membership, "partners.manage")
        return context


class PartnerCreateView(OrgTemplateView):
    permission = "partners.manage"
    template_name = "partners/form.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["form"] = kwargs.get("form") or PartnerForm(
            initial={"status": PartnerStatus.PROSPECTIVE}
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = PartnerForm(request.POST)
        if form.is_valid():
            try:
                partner = services.partner_create(
                    organisation=self.organisation, actor=request.user, **form.cleaned_data
                )
            except ApplicationError as error:
                add_application_error(form, error)
            else:
                messages.success(
                    request,
                    _("%(name)s is in the directory. Next: record the agreement and a check.")
                    % {"name": partner.name},
                )
                return redirect(
                    "partner_detail", org_slug=self.organisation.slug, partner_id=partner.pk
                )
        return self.render_to_response(self.get_context_data(form=form), status=400)


class PartnerEditView(OrgTemplateView):
    permission = "partners.manage"
    template_name = "partners/form.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        partner = self.get_org_object(PartnerOrganisation, self.kwargs["partner_id"])
        context["partner"] = partner
        context["form"] = kwargs.get("form") or PartnerForm(
            initial={name: getattr(partner, name) for name in services.PARTNER_FIELDS}
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        partner = self.get_org_object(PartnerOrganisation, kwargs["partner_id"])
        form = PartnerForm(request.POST)
        if form.is_valid():
            try:
                services.partner_update(
                    organisation=self.organisation,
                    partner=partner,
                    actor=request.user,
                    **form.cleaned_data,
                )
            except ApplicationError as error:
                add_application_error(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect(
                    "partner_detail", org_slug=self.organisation.slug, partner_id=partner.pk
                )
        return self.render_to_response(self.get_context_data(form=form), status=400)


class PartnerDetailView(OrgTemplateView):
    permission = "partners.view"
    template_name = "partners/detail.html"
    activities_page_size = 20
    shared_page_size = 50
    checks_page_size = 50

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        partner = self.get_org_object(PartnerOrganisation, self.kwargs["partner_id"])
        context["partner"] = partner
        context.update(partner_detail(organisation=self.organisation, partner=partner))
        # The checks, the joint activities and what was shared, each paged on its own
        # (`?checks_page=`, `?page=`, `?shared_page=`): the latest ones first, with a count of
        # all when there are more.
        checks = page_of(
            self.request, context["checks"], per_page=self.checks_page_size, param="checks_page"
        )
        context["checks"] = checks
        # The state of the checks rests on the latest one: the first page's first row, read
        # again only when another page of checks is shown.
        latest = (
            next(iter(checks.items), None)
            if checks.page.number == 1
            else check_services.latest_check(organisation=self.organisation, partner=partner)
        )
        context["check_status"] = check_services.check_status(latest, today=context["today"])
        context["activities"] = page_of(
            self.request, context["activities"], per_page=self.activities_page_size
        )
        context["disclosures"] = page_of(
            self.request,
            context["disclosures"],
            per_page=self.shared_page_size,
            param="shared_page",
        )
        context["can_manage"] = can(self.membership, "partners.manage")
        context["can_view_participants"] = can(self.membership, "participants.view")
        return context


def partner_accounts(organisation: Any, *, keep_user_id: int | None = None) -> list[Any]:
    """Members with the partner role not yet linked to a contact (plus the current one)."""
    linked = set(
        PartnerContact.objects.for_org(organisation)
        .filter(user__isnull=False)
        .exclude(user_id=keep_user_id)
        .values_list("user_id", flat=True)
    )
    return [
        m.user
        for m in Membership.objects.for_org(organisation)
        .filter(role=Role.PARTNER)
        .select_related("user")
        .order_by("user__name")
        if m.user_id not in linked
    ]


class ContactCreateView(OrgTemplateView):
    permission = "partners.manage"
    template_name = "partners/contact_form.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["partner"] = self.get_org_object(PartnerOrganisation, self.kwargs["partner_id"])
        context["form"] = kwargs.get("form") or PartnerContactForm(
            accounts=partner_accounts(self.organisation)
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        partner = self.get_org_object(PartnerOrganisation, kwargs["partner_id"])
        accounts = partner_accounts(self.organisation)
        form = PartnerContactForm(request.POST, accounts=accounts)
        if form.is_valid():
            data = dict(form.cleaned_data)
            user_id = data.pop("user")
            try:
                services.partner_contact_create(
                    organisation=self.organisation,
                    partner=partner,
                    user=next((u for u in accounts if u.pk == user_id), None),
                    actor=request.user,
                    **data,
                )
            except ApplicationError as error:
                add_application_error(form, error)
            else:
                messages.success(request, _("The contact was added."))
                return redirect(
                    "partner_detail", org_slug=self.organisation.slug, partner_id=partner.pk
                )
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ContactEditView(OrgTemplateView):
    permission = "partners.manage"
    template_name = "partners/contact_form.html"

    def get_contact(self) -> PartnerContact:
        return self.get_org_object(PartnerContact, self.kwargs["contact_id"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        contact = self.get_contact()
        context["contact"] = contact
        context["partner"] = contact.partner
        initial = {name: getattr(contact, name) for name in services.CONTACT_FIELDS}
        initial["user"] = contact.user_id
        context["form"] = kwargs.get("form") or PartnerContactForm(
            initial=initial,
            accounts=partner_accounts(self.organisation, keep_user_id=contact.user_id),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        contact = self.get_contact()
        accounts = partner_accounts(self.organisation, keep_user_id=contact.user_id)
        form = PartnerContactForm(request.POST, accounts=accounts)
        if form.is_valid():
            data = dict(form.cleaned_data)
            user_id = data.pop("user")
            try:
                services.partner_contact_update(
                    organisation=self.organisation,
                    contact=contact,
                    user=next((u for u in accounts if u.pk == user_id), None),
                    actor=request.user,
                    **data,
                )
            except ApplicationError as error:
                add_application_error(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect(
                    "partner_detail",
                    org_slug=self.organisation.slug,
                    partner_id=contact.partner_id,
                )
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ContactDeleteView(OrgTemplateView):
    """Asks first: removing a contact also ends their partner view, if they have one."""

    permission = "partners.manage"
    template_name = "partners/contact_delete.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["contact"] = self.get_org_object(PartnerContact, self.kwargs["contact_id"])
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        contact = self.get_org_object(PartnerContact, kwargs["contact_id"])
        partner_id = contact.partner_id
        services.partner_contact_delete(
            organisation=self.organisation, contact=contact, actor=request.user
        )
        messages.success(request, _("The contact was removed."))
        return redirect("partner_detail", org_slug=self.organisation.slug, partner_id=partner_id)


class AgreementEditView(OrgTemplateView):
    """The agreement with a partner and its sharing matrix, on one page."""

    permission = "partners.manage"
    template_name = "partners/agreement_form.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        partner = self.get_org_object(PartnerOrganisation, self.kwargs["partner_id"])
        agreement = agreement_for(organisation=self.organisation, partner=partner)
        context["partner"] = partner
        context["agreement"] = agreement
        form = kwargs.get("form")
        if form is None:
            initial: dict[str, Any] = {}
            if agreement is not None:
                initial = {
                    name: getattr(agreement, name) for name in agreement_services.AGREEMENT_FIELDS
                }
            for row in matrix_rows(organisation=self.organisation, agreement=agreement):
                initial[f"level_{row.information_class}"] = row.level
                initial[f"purpose_{row.information_class}"] = row.purpose
            form = AgreementForm(initial=initial)
        context["form"] = form
        context["matrix_fields"] = [
            (label, form[f"level_{value}"], form[f"purpose_{value}"])
            for value, label in InformationClass.choices
        ]
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        partner = self.get_org_object(PartnerOrganisation, kwargs["partner_id"])
        form = AgreementForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                agreement_services.agreement_save(
                    organisation=self.organisation,
                    partner=partner,
                    matrix=form.matrix(),
                    actor=request.user,
                    **{name: data[name] for name in agreement_services.AGREEMENT_FIELDS},
                )
            except ApplicationError as error:
                add_application_error(form, error)
            else:
                messages.success(request, _("The agreement and its sharing rules were saved."))
                return redirect(
                    "partner_detail", org_slug=self.organisation.slug, partner_id=partner.pk
                )
        return self.render_to_response(self.get_context_data(form=form), status=400)


class AgreementPrintView(OrgTemplateView):
    """The agreement as a page both sides can print and sign."""

    permission = "partners.view"
    template_name = "partners/agreement_print.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        agreement = self.get_org_object(Agreement, self.kwargs["agreement_id"])
        context["agreement"] = agreement
        context["partner"] = agreement.partner
        context["matrix"] = matrix_rows(organisation=self.organisation, agreement=agreement)
        audit_record(
            organisation=self.organisation,
            actor=self.request.user,
            action="agreement.printed",
            target=agreement,
        )
        return context


class IntegrityCheckCreateView(OrgTemplateView):
    permission = "partners.manage"
    template_name = "partners/check_form.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["partner"] = self.get_org_object(PartnerOrganisation, self.kwargs["partner_id"])
        context["form"] = kwargs.get("form") or IntegrityCheckForm(
            initial={"checked_on": check_services.organisation_today(self.organisation)}
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        partner = self.get_org_object(PartnerOrganisation, kwargs["partner_id"])
        form = IntegrityCheckForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                check_services.integrity_check_record(
                    organisation=self.organisation,
                    partner=partner,
                    checked_on=data["checked_on"],
                    outcome=data["outcome"],
                    reviewer=request.user,
                    checklist={item: True for item in data["checklist"]},
                    notes=data["notes"],
                    next_review_on=data["next_review_on"],
                    informed_on=data["informed_on"],
                    informed_how=data["informed_how"],
                    actor=request.user,
                )
            except ApplicationError as error:
                add_application_error(form, error)
            else:
                messages.success(request, _("The integrity check was recorded."))
                return redirect(
                    "partner_detail", org_slug=self.organisation.slug, partner_id=partner.pk
                )
        return self.render_to_response(self.get_context_data(form=form), status=400)


class IntegrityCheckDetailView(OrgTemplateView):
    """One check with its notes, and the record of how the partner was informed."""

    permission = "partners.view"
    template_name = "partners/check_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        check = self.get_org_object(IntegrityCheck, self.kwargs["check_id"])
        context["check"] = check
        context["partner"] = check.partner
        context["checklist"] = [
            (IntegrityCheck._meta.get_field(item).verbose_name, getattr(check, item))
            for item in IntegrityCheck.CHECKLIST
        ]
        context["can_manage"] = can(self.membership, "partners.manage")
        context["informed_form"] = kwargs.get("informed_form") or InformedForm()
        if self.request.method == "GET":
            # The notes are read: that is recorded, like a participant's record.
            audit_record(
                organisation=self.organisation,
                actor=self.request.user,
                action="integrity_check.viewed",
                target=check,
            )
        return context


class IntegrityCheckInformedView(IntegrityCheckDetailView):
    permission = "partners.manage"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        check = self.get_org_object(IntegrityCheck, kwargs["check_id"])
        form = InformedForm(request.POST)
        if form.is_valid():
            try:
                check_services.integrity_check_mark_informed(
                    organisation=self.organisation,
                    check=check,
                    actor=request.user,
                    **form.cleaned_data,
                )
            except ApplicationError as error:
                add_application_error(form, error)
            else:
                messages.success(request, _("Recorded how the partner was informed."))
                return redirect(
                    "integrity_check_detail", org_slug=self.organisation.slug, check_id=check.pk
                )
        return self.render_to_response(self.get_context_data(informed_form=form), status=400)
