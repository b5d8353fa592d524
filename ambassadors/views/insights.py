"""Coordinator pages for peer insights: the list and the review of one."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from cocora.core.errors import ApplicationError
from cocora.core.forms import add_application_error
from cocora.core.paging import page_of
from cocora.organisations.views_base import OrgTemplateView

from ..forms import InsightReviewForm
from ..models import InsightStatus, PeerInsight
from ..selectors.tasks import insight_queryset
from ..services.insights import insight_review


class InsightListView(OrgTemplateView):
    permission = "ambassadors.view"
    template_name = "ambassadors/insights/list.html"
    page_size = 50

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        status = self.request.GET.get("status", "")
        status = status if status in InsightStatus.values else ""
        insights = insight_queryset(organisation=self.organisation, status=status)
        # One page of insights and one COUNT, whatever the organisation has shared so far.
        paged = page_of(self.request, insights, per_page=self.page_size)
        context["insights"] = paged.items
        context["paged"] = paged
        context["status"] = status
        context["statuses"] = InsightStatus.choices
        return context


class InsightReviewView(OrgTemplateView):
    permission = "ambassadors.manage"
    template_name = "ambassadors/insights/review.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        insight = self.get_org_object(PeerInsight, self.kwargs["insight_id"])
        context["insight"] = insight
        context["form"] = kwargs.get("form") or InsightReviewForm(
            initial={
                "status": insight.status
                if insight.status != InsightStatus.NEW
                else InsightStatus.ACKNOWLEDGED,
                "response": insight.response,
            }
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        insight = self.get_org_object(PeerInsight, kwargs["insight_id"])
        form = InsightReviewForm(request.POST)
        if form.is_valid():
            try:
                insight_review(
                    organisation=self.organisation,
                    insight=insight,
                    actor=request.user,
                    **form.cleaned_data,
                )
            except ApplicationError as error:
                add_application_error(form, error)
            else:
                messages.success(request, _("Saved. The ambassador sees your answer."))
                return redirect("peer_insight_list", org_slug=self.organisation.slug)
        return self.render_to_response(self.get_context_data(form=form), status=400)
