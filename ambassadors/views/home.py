"""The ambassador's own pages, phone first: their tasks, proposing a task, their insights."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from cocora.core.errors import ApplicationError
from cocora.core.forms import add_application_error
from cocora.core.paging import page_of
from cocora.organisations.views_base import OrgTemplateView

from ..forms import InsightForm, TaskProposeForm
from ..selectors.tasks import ambassador_home, insight_queryset
from ..services.insights import insight_share
from ..services.tasks import task_propose
from .base import OwnAmbassadorMixin


class AmbassadorHomeView(OwnAmbassadorMixin, OrgTemplateView):
    permission = "ambassador_home.view"
    template_name = "ambassadors/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        ambassador = self.own_ambassador()
        context["home"] = (
            ambassador_home(organisation=self.organisation, ambassador=ambassador)
            if ambassador is not None
            else None
        )
        return context


class TaskProposeView(OwnAmbassadorMixin, OrgTemplateView):
    permission = "ambassador_home.view"
    template_name = "ambassadors/propose.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        self.own_ambassador_or_404()
        context["form"] = kwargs.get("form") or TaskProposeForm(
            initial={"due_on": timezone.localdate()}
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        ambassador = self.own_ambassador_or_404()
        form = TaskProposeForm(request.POST)
        if form.is_valid():
            try:
                task_propose(
                    organisation=self.organisation,
                    ambassador=ambassador,
                    actor=request.user,
                    **form.cleaned_data,
                )
            except ApplicationError as error:
                add_application_error(form, error)
            else:
                messages.success(
                    request, _("Your proposal was sent. Your coordinator will answer it.")
                )
                return redirect("ambassador_home", org_slug=self.organisation.slug)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class MyInsightsView(OwnAmbassadorMixin, OrgTemplateView):
    """The ambassador's own insights, with what became of each, and the form to share one."""

    permission = "ambassador_home.view"
    template_name = "ambassadors/insights/mine.html"
    # A phone's screenful or two: the older ones are a tap away.
    page_size = 20

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        ambassador = self.own_ambassador_or_404()
        insights = insight_queryset(organisation=self.organisation, ambassador=ambassador)
        paged = page_of(self.request, insights, per_page=self.page_size)
        context["insights"] = paged.items
        context["paged"] = paged
        context["form"] = kwargs.get("form") or InsightForm()
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        ambassador = self.own_ambassador_or_404()
        form = InsightForm(request.POST)
        if form.is_valid():
            try:
                insight_share(
                    organisation=self.organisation,
                    ambassador=ambassador,
                    actor=request.user,
                    **form.cleaned_data,
                )
            except ApplicationError as error:
                add_application_error(form, error)
            else:
                messages.success(
                    request, _("Thank you for sharing. You will see here what becomes of it.")
                )
                return redirect("my_insights", org_slug=self.organisation.slug)
        return self.render_to_response(self.get_context_data(form=form), status=400)
