"""The Collaborative Programme's pages: activities over time, open follow-ups, and the partner
contact's own view."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from cocora.core.errors import ApplicationError
from cocora.core.forms import add_application_error
from cocora.core.ids import parse_id
from cocora.core.paging import page_of, page_of_rows
from cocora.organisations.models import Membership, Role
from cocora.organisations.permissions import can
from cocora.organisations.views_base import OrgTemplateView
from programmes.models import Cohort, Programme

from ..forms import CollaborationForm, FollowUpForm
from ..models import (
    CollaborationActivity,
    CollaborationKind,
    FollowUp,
    InformationClass,
    PartnerOrganisation,
)
from ..selectors.collaboration import collaboration_get, collaboration_queryset, follow_ups_open
from ..selectors.portal import partner_portal, portal_disclosure_rows
from ..services import collaboration as services
from ..services.checks import organisation_today


class CollaborationListView(OrgTemplateView):
    permission = "collaboration.view"
    template_name = "partners/collaboration/list.html"
    page_size = 50

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        params = self.request.GET
        partner_id = parse_id(params.get("partner", ""))
        kind = params.get("kind", "") if params.get("kind") in CollaborationKind.values else ""
        filters = {"partner_id": partner_id, "kind": kind}
        # One page of activities, newest first: a COUNT, the page, its partner links. The
        # pager's links keep the filters.
        paged = page_of(
            self.request,
            collaboration_queryset(
                organisation=self.organisation, partner_id=partner_id, kind=kind
            ),
            per_page=self.page_size,
        )
        context["activities"] = paged.items
        context["paged"] = paged
        context["follow_ups"] = follow_ups_open(organisation=self.organisation)
        context["filters"] = filters
        context["filtered"] = any(filters.values())
        context["partners"] = list(
            PartnerOrganisation.objects.for_org(self.organisation).order_by("name")
        )
        context["kinds"] = CollaborationKind.choices
        context["today"] = organisation_today(self.organisation)
        context["can_manage"] = can(self.membership, "collaboration.manage")
        return context


class CollaborationFormMixin:
    def form_options(self) -> dict[str, Any]:
        organisation = self.organisation  # type: ignore[attr-defined]
        return {
            "partners": list(PartnerOrganisation.objects.for_org(organisation).order_by("name")),
            "programmes": list(
                Programme.objects.for_org(organisation)
                .filter(archived_at__isnull=True)
                .order_by("title")
            ),
            "cohorts": list(Cohort.objects.for_org(organisation).order_by("name")),
        }

    def service_fields(self, data: dict[str, Any], options: dict[str, Any]) -> dict[str, Any]:
        programme = next((p for p in options["programmes"] if p.pk == data["programme"]), None)
        cohort = next((c for c in options["cohorts"] if c.pk == data["cohort"]), None)
        return {
            "kind": data["kind"],
            "title": data["title"],
            "held_at": data["held_at"],
            "place": data["place"],
            "programme": programme,
            "cohort": cohort,
            "community_members": data["community_members"],
            "professionals": data["professionals"],
            "agreed": data["agreed"],
        }


class CollaborationCreateView(CollaborationFormMixin, OrgTemplateView):
    permission = "collaboration.manage"
    template_name = "partners/collaboration/form.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["form"] = kwargs.get("form") or CollaborationForm(**self.form_options())
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        options = self.form_options()
        form = CollaborationForm(request.POST, **options)
        if form.is_valid():
            try:
                activity = services.collaboration_activity_create(
                    organisation=self.organisation,
                    partner_ids=form.cleaned_data["partners"],
                    actor=request.user,
                    **self.service_fields(form.cleaned_data, options),
                )
            except ApplicationError as error:
                add_application_error(form, error)
            else:
                messages.success(
                    request,
                    _("The activity %(title)s was recorded. Add its follow-ups below.")
                    % {"title": activity.title},
                )
                return redirect(
                    "collaboration_detail",
                    org_slug=self.organisation.slug,
                    collaboration_id=activity.pk,
                )
        return self.render_to_response(self.get_context_data(form=form), status=400)


class CollaborationEditView(CollaborationFormMixin, OrgTemplateView):
    permission = "collaboration.manage"
    template_name = "partners/collaboration/form.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        activity = self.get_org_object(CollaborationActivity, self.kwargs["collaboration_id"])
        context["activity"] = activity
        if kwargs.get("form") is None:
            partners = collaboration_get(organisation=self.organisation, activity=activity)[
                "partners"
            ]
            initial = {
                "kind": activity.kind,
                "title": activity.title,
                "held_at": activity.held_at,
                "place": activity.place,
                "partners": [p.pk for p in partners],  # type: ignore[attr-defined]
                "programme": activity.programme_id,
                "cohort": activity.cohort_id,
                "community_members": activity.community_members,
                "professionals": activity.professionals,
                "agreed": activity.agreed,
            }
            context["form"] = CollaborationForm(initial=initial, **self.form_options())
        else:
            context["form"] = kwargs["form"]
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        activity = self.get_org_object(CollaborationActivity, kwargs["collaboration_id"])
        options = self.form_options()
        form = CollaborationForm(request.POST, **options)
        if form.is_valid():
            try:
                services.collaboration_activity_update(
                    organisation=self.organisation,
                    activity=activity,
                    partner_ids=form.cleaned_data["partners"],
                    actor=request.user,
                    **self.service_fields(form.cleaned_data, options),
                )
            except ApplicationError as error:
                add_application_error(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect(
                    "collaboration_detail",
                    org_slug=self.organisation.slug,
                    collaboration_id=activity.pk,
                )
        return self.render_to_response(self.get_context_data(form=form), status=400)


def _team_members(organisation: Any) -> list[Any]:
    return [
        m.user
        for m in Membership.objects.for_org(organisation)
        .filter(role__in=[Role.ADMIN, Role.COORDINATOR, Role.TRAINER])
        .select_related("user")
        .order_by("user__name")
    ]


class CollaborationDetailView(OrgTemplateView):
    permission = "collaboration.view"
    template_name = "partners/collaboration/detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        activity = self.get_org_object(CollaborationActivity, self.kwargs["collaboration_id"])
        context["activity"] = activity
        context.update(collaboration_get(organisation=self.organisation, activity=activity))
        context["can_manage"] = can(self.membership, "collaboration.manage")
        context["today"] = organisation_today(self.organisation)
        context["follow_up_form"] = kwargs.get("follow_up_form") or FollowUpForm(
            members=_team_members(self.organisation), partners=context["partners"]
        )
        return context


class FollowUpCreateView(CollaborationDetailView):
    permission = "collaboration.manage"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        activity = self.get_org_object(CollaborationActivity, kwargs["collaboration_id"])
        members = _team_members(self.organisation)
        partners = collaboration_get(organisation=self.organisation, activity=activity)["partners"]
        form = FollowUpForm(request.POST, members=members, partners=partners)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.follow_up_create(
                    organisation=self.organisation,
                    activity=activity,
                    description=data["description"],
                    due_on=data["due_on"],
                    owner=next((u for u in members if u.pk == data["owner"]), None),
                    owner_partner=next(
                        (p for p in partners if p.pk == data["owner_partner"]),  # type: ignore[attr-defined]
                        None,
                    ),
                    actor=request.user,
                )
            except ApplicationError as error:
                add_application_error(form, error)
            else:
                messages.success(request, _("The follow-up was added."))
                return redirect(
                    "collaboration_detail",
                    org_slug=self.organisation.slug,
                    collaboration_id=activity.pk,
                )
        return self.render_to_response(self.get_context_data(follow_up_form=form), status=400)


class FollowUpDoneView(OrgTemplateView):
    """POST-only: marks a follow-up done. A visit goes to its activity (after the same lookup,
    so that another organisation's id is a 404 whatever the method)."""

    permission = "collaboration.manage"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        follow_up = self.get_org_object(FollowUp, kwargs["follow_up_id"])
        return redirect(
            "collaboration_detail",
            org_slug=self.organisation.slug,
            collaboration_id=follow_up.activity_id,
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        follow_up = self.get_org_object(FollowUp, kwargs["follow_up_id"])
        services.follow_up_complete(
            organisation=self.organisation, follow_up=follow_up, actor=request.user
        )
        messages.success(request, _("Marked as done."))
        target = request.POST.get("next", "")
        if target == "list":
            return redirect("collaboration_list", org_slug=self.organisation.slug)
        return redirect(
            "collaboration_detail",
            org_slug=self.organisation.slug,
            collaboration_id=follow_up.activity_id,
        )


class PartnerPortalView(OrgTemplateView):
    """A partner contact's page: their organisation, its activities, and only what the agreement
    allows. Nothing about individual young people unless it was disclosed to this partner."""

    permission = "partner_portal.view"
    template_name = "partners/portal.html"
    # The same lengths as the partner's page on the staff side.
    activities_page_size = 20
    shared_page_size = 50

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        portal = partner_portal(organisation=self.organisation, user=self.request.user)
        context["portal"] = portal
        context["classes"] = InformationClass
        # Each activity links to the follow-up form, which lists only the latest ones.
        context["can_propose"] = (
            portal is not None and portal.in_force and can(self.membership, "proposals.propose")
        )
        if portal is not None:
            # Two lists, each paged on its own (`?page=`, `?shared_page=`), so that both can be
            # read to the end: a COUNT and a page of each.
            context["activities"] = page_of(
                self.request, portal.activities, per_page=self.activities_page_size
            )
            context["shared"] = page_of_rows(
                self.request,
                portal.disclosures,
                portal_disclosure_rows,
                per_page=self.shared_page_size,
                param="shared_page",
            )
        return context
