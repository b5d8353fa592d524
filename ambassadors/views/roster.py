"""Coordinator pages: the roster, one ambassador, starting the path, caps, check-ins and
debriefs."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cocora.core.errors import ApplicationError
from cocora.core.forms import add_application_error
from cocora.core.paging import page_of
from cocora.organisations.permissions import can
from cocora.organisations.views_base import OrgTemplateView
from programmes.models import Cohort, Participant, ProgrammeKind

from ..forms import CapRaiseForm, CheckInForm, DebriefForm, PromoteForm, SettingsForm, StatusForm
from ..models import Ambassador, Debrief
from ..selectors.ambassadors import ambassador_page, ambassador_roster
from ..services import ambassadors as services
from ..services import care
from ..services.promotion import ambassador_path_blockers, ambassador_promote


class RosterView(OrgTemplateView):
    permission = "ambassadors.view"
    template_name = "ambassadors/roster.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        rows = ambassador_roster(organisation=self.organisation)
        # The summary counts every ambassador; the table shows a page of them.
        paged = page_of(self.request, rows, per_page=100)
        context["rows"] = paged.items
        context["paged"] = paged
        context["checkins_overdue"] = sum(1 for r in rows if r.checkin_overdue)
        context["debriefs_pending"] = sum(1 for r in rows if r.debrief_pending)
        context["can_manage"] = can(self.membership, "ambassadors.manage")
        context["can_caps"] = can(self.membership, "ambassadors.caps")
        return context


class AmbassadorDetailView(OrgTemplateView):
    permission = "ambassadors.view"
    template_name = "ambassadors/detail.html"
    # The latest tasks; the task board, filtered to this ambassador, shows every one.
    tasks_shown = 20
    # Check-ins and debriefs have no page of their own: each list pages here, by its own
    # parameter, so that reading older check-ins keeps the debriefs' page and the other way.
    checkins_per_page = 12
    debriefs_per_page = 12

    def get_ambassador(self) -> Ambassador:
        if not hasattr(self, "_ambassador"):
            self._ambassador = self.get_org_object(Ambassador, self.kwargs["ambassador_id"])
        return self._ambassador

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        ambassador = self.get_ambassador()
        context["ambassador"] = ambassador
        page = ambassador_page(
            organisation=self.organisation, ambassador=ambassador, tasks_shown=self.tasks_shown
        )
        context.update(page)
        # Counted with the rest of the page in one query: no COUNT per list.
        context["checkins"] = page_of(
            self.request,
            page["checkins"],
            per_page=self.checkins_per_page,
            count=page["checkin_count"],
            param="checkins_page",
        )
        context["debriefs"] = page_of(
            self.request,
            page["debriefs"],
            per_page=self.debriefs_per_page,
            count=page["debrief_count"],
            param="debriefs_page",
        )
        context["can_manage"] = can(self.membership, "ambassadors.manage")
        context["can_caps"] = can(self.membership, "ambassadors.caps")
        context["status_form"] = kwargs.get("status_form") or StatusForm(
            initial={"status": ambassador.status}
        )
        context["checkin_form"] = kwargs.get("checkin_form") or CheckInForm(
            initial={"held_on": timezone.localdate()}
        )
        context["cap_form"] = kwargs.get("cap_form") or CapRaiseForm(
            initial={
                "open_tasks_cap": ambassador.open_tasks_cap,
                "weekly_hours_cap": ambassador.weekly_hours_cap,
                "reason": ambassador.cap_reason,
            }
        )
        return context

    def back(self) -> HttpResponse:
        """To the ambassador's page, on the pages of its lists that the request names: the
        navigation of a page re-rendered after a failed form links here."""
        url = reverse(
            "ambassador_detail",
            kwargs={"org_slug": self.organisation.slug, "ambassador_id": self.get_ambassador().pk},
        )
        query = self.request.GET.urlencode()
        return redirect(f"{url}?{query}" if query else url)


class AmbassadorStatusView(AmbassadorDetailView):
    permission = "ambassadors.manage"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.get_ambassador()
        return self.back()

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        ambassador = self.get_ambassador()
        form = StatusForm(request.POST)
        if form.is_valid():
            try:
                services.ambassador_change_status(
                    organisation=self.organisation,
                    ambassador=ambassador,
                    status=form.cleaned_data["status"],
                    actor=request.user,
                )
            except ApplicationError as error:
                add_application_error(form, error)
            else:
                messages.success(request, _("The status was changed."))
                return self.back()
        return self.render_to_response(self.get_context_data(status_form=form), status=400)


class AmbassadorCapsView(AmbassadorDetailView):
    """An admin raises one ambassador's caps, with a reason."""

    permission = "ambassadors.caps"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.get_ambassador()
        return self.back()

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        ambassador = self.get_ambassador()
        form = CapRaiseForm(request.POST)
        if form.is_valid():
            try:
                services.ambassador_cap_raise(
                    organisation=self.organisation,
                    ambassador=ambassador,
                    open_tasks_cap=form.cleaned_data["open_tasks_cap"],
                    weekly_hours_cap=form.cleaned_data["weekly_hours_cap"],
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                )
            except ApplicationError as error:
                add_application_error(form, error)
            else:
                messages.success(request, _("The caps were saved."))
                return self.back()
        return self.render_to_response(self.get_context_data(cap_form=form), status=400)


class CheckInCreateView(AmbassadorDetailView):
    permission = "ambassadors.manage"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.get_ambassador()
        return self.back()

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        ambassador = self.get_ambassador()
        form = CheckInForm(request.POST)
        if form.is_valid():
            try:
                care.checkin_record(
                    organisation=self.organisation,
                    ambassador=ambassador,
                    actor=request.user,
                    **form.cleaned_data,
                )
            except ApplicationError as error:
                add_application_error(form, error)
            else:
                messages.success(request, _("The check-in was recorded."))
                return self.back()
        return self.render_to_response(self.get_context_data(checkin_form=form), status=400)


class DebriefRecordView(OrgTemplateView):
    permission = "ambassadors.manage"
    template_name = "ambassadors/debrief.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        debrief = self.get_org_object(Debrief, self.kwargs["debrief_id"])
        context["debrief"] = debrief
        context["form"] = kwargs.get("form") or DebriefForm(
            initial={"held_on": timezone.localdate()}
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        debrief = self.get_org_object(Debrief, kwargs["debrief_id"])
        form = DebriefForm(request.POST)
        if form.is_valid():
            try:
                care.debrief_record(
                    organisation=self.organisation,
                    debrief=debrief,
                    actor=request.user,
                    **form.cleaned_data,
                )
            except ApplicationError as error:
                add_application_error(form, error)
            else:
                messages.success(
                    request,
                    _("The debrief was recorded. New tasks can be assigned again."),
                )
                return redirect(
                    "ambassador_detail",
                    org_slug=self.organisation.slug,
                    ambassador_id=debrief.ambassador_id,
                )
        return self.render_to_response(self.get_context_data(form=form), status=400)


class SettingsView(OrgTemplateView):
    """The organisation's caps (admins)."""

    permission = "ambassadors.caps"
    template_name = "ambassadors/settings.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        caps = services.caps_for(self.organisation)
        context["form"] = kwargs.get("form") or SettingsForm(
            initial={
                "open_tasks_cap": caps.open_tasks_cap,
                "weekly_hours_cap": caps.weekly_hours_cap,
            }
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = SettingsForm(request.POST)
        if form.is_valid():
            try:
                services.ambassador_settings_update(
                    organisation=self.organisation, actor=request.user, **form.cleaned_data
                )
            except ApplicationError as error:
                add_application_error(form, error)
            else:
                messages.success(request, _("The caps were saved."))
                return redirect("ambassador_roster", org_slug=self.organisation.slug)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class PromoteView(OrgTemplateView):
    """Starts the ambassador path for a participant who completed the Prevention Programme."""

    permission = "ambassadors.manage"
    template_name = "ambassadors/promote.html"

    def cohorts(self) -> list[Cohort]:
        return list(
            Cohort.objects.for_org(self.organisation)
            .filter(programme__kind=ProgrammeKind.AMBASSADOR)
            .order_by("-starts_on", "name")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        participant = self.get_org_object(Participant, self.kwargs["participant_id"])
        cohorts = self.cohorts()
        context["participant"] = participant
        context["blockers"] = ambassador_path_blockers(
            organisation=self.organisation, participant=participant
        )
        context["cohorts"] = cohorts
        context["has_email"] = bool(participant.email)
        context["form"] = kwargs.get("form") or PromoteForm(
            cohorts=cohorts, initial={"cohort": cohorts[0].pk if len(cohorts) == 1 else None}
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        participant = self.get_org_object(Participant, kwargs["participant_id"])
        cohorts = self.cohorts()
        form = PromoteForm(request.POST, cohorts=cohorts)
        if form.is_valid():
            cohort = next(c for c in cohorts if c.pk == form.cleaned_data["cohort"])
            try:
                ambassador = ambassador_promote(
                    organisation=self.organisation,
                    participant=participant,
                    cohort=cohort,
                    email=form.cleaned_data["email"],
                    actor=request.user,
                )
            except ApplicationError as error:
                add_application_error(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "%(name)s is on the ambassador path: invited to their account and "
                        "enrolled in %(cohort)s."
                    )
                    % {"name": participant.display_name, "cohort": cohort.name},
                )
                return redirect(
                    "ambassador_detail",
                    org_slug=self.organisation.slug,
                    ambassador_id=ambassador.pk,
                )
        return self.render_to_response(self.get_context_data(form=form), status=400)
