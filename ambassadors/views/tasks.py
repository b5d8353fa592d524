"""Task pages: the coordinator's board and assignment form, and the task page that the
coordinator and the task's own ambassador share (each with their own actions)."""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from cocora.core.errors import ApplicationError
from cocora.core.forms import add_application_error
from cocora.core.paging import page_of
from cocora.organisations.permissions import can
from cocora.organisations.views_base import OrgTemplateView

from ..forms import TaskAssignForm, TaskDecisionForm, TaskFilterForm, TaskReportForm
from ..models import OutreachTask, TaskStatus
from ..selectors.ambassadors import ambassador_choices
from ..selectors.tasks import DueFilter, task_board
from ..services import tasks as services
from .base import OwnAmbassadorMixin


class TaskBoardView(OrgTemplateView):
    permission = "ambassadors.view"
    template_name = "ambassadors/tasks/board.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = TaskFilterForm(self.request.GET)
        filters = form.cleaned_data if form.is_valid() else {}
        filters = {
            "status": filters.get("status") or "",
            "ambassador_id": filters.get("ambassador"),
            "due": filters.get("due") or "",
        }
        paged = page_of(
            self.request, task_board(organisation=self.organisation, **filters), per_page=100
        )
        context["tasks"] = paged.items
        context["paged"] = paged
        context["filters"] = filters
        context["statuses"] = TaskStatus.choices
        context["ambassadors"] = ambassador_choices(
            organisation=self.organisation, working_only=False
        )
        context["due_choices"] = [
            (DueFilter.OVERDUE, _("Overdue")),
            (DueFilter.WEEK, _("Due in the next 7 days")),
            (DueFilter.LATER, _("Due later")),
        ]
        context["filtered"] = any(filters.values())
        context["today"] = timezone.localdate()
        context["can_manage"] = can(self.membership, "ambassadors.manage")
        return context


class TaskCreateView(OrgTemplateView):
    """A coordinator assigns a task, within the ambassador's caps."""

    permission = "ambassadors.manage"
    template_name = "ambassadors/tasks/form.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["form"] = kwargs.get("form") or TaskAssignForm(
            ambassadors=ambassador_choices(organisation=self.organisation),
            initial={
                "ambassador": self.request.GET.get("ambassador"),
                "due_on": timezone.localdate(),
            },
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        ambassadors = ambassador_choices(organisation=self.organisation)
        form = TaskAssignForm(request.POST, ambassadors=ambassadors)
        if form.is_valid():
            data = form.cleaned_data
            by_id = {a.pk: a for a in ambassadors}
            try:
                task = services.task_assign(
                    organisation=self.organisation,
                    ambassador=by_id[data["ambassador"]],
                    buddy=by_id.get(data["buddy"]) if data["buddy"] else None,
                    kind=data["kind"],
                    title=data["title"],
                    description=data["description"],
                    due_on=data["due_on"],
                    estimated_hours=data["estimated_hours"],
                    actor=request.user,
                )
            except ApplicationError as error:
                add_application_error(form, error)
            else:
                messages.success(
                    request,
                    _("The task %(title)s was assigned to %(name)s.")
                    % {"title": task.title, "name": task.ambassador.participant.display_name},
                )
                return redirect("outreach_task_board", org_slug=self.organisation.slug)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class TaskAccessMixin(OwnAmbassadorMixin):
    """A task as the viewer may see it. Coordinators reach every task of the organisation; an
    ambassador only their own; everyone else nothing. Anything else is a 404, the same answer
    as for an id that does not exist."""

    # The page serves two roles; the scope below (not the role map alone) decides, and answers
    # 404 to every other member, admins included, for a task that is not theirs to see.
    permission = "organisation.view"

    def get_task(self) -> OutreachTask:
        if hasattr(self, "_task"):
            return self._task
        task_id = self.kwargs["task_id"]  # type: ignore[attr-defined]
        if can(self.membership, "ambassadors.view"):  # type: ignore[attr-defined]
            task = self.get_org_object(OutreachTask, task_id)  # type: ignore[attr-defined]
        elif can(self.membership, "ambassador_home.view"):  # type: ignore[attr-defined]
            ambassador = self.own_ambassador_or_404()
            task = self.get_org_object(OutreachTask, task_id, ambassador=ambassador)  # type: ignore[attr-defined]
        else:
            raise Http404
        self._task = task
        return task

    @property
    def as_staff(self) -> bool:
        return can(self.membership, "ambassadors.manage")  # type: ignore[attr-defined]


class TaskDetailView(TaskAccessMixin, OrgTemplateView):
    template_name = "ambassadors/tasks/detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        task = self.get_task()
        context["task"] = task
        context["as_staff"] = self.as_staff
        context["is_own"] = not self.as_staff
        context["today"] = timezone.localdate()
        context["report_form"] = kwargs.get("report_form") or TaskReportForm()
        if self.as_staff:
            context["debriefs"] = list(task.debriefs.all())
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """The ambassador's report: the task is done."""
        task = self.get_task()
        form = TaskReportForm(request.POST)
        if form.is_valid():
            try:
                task = services.task_complete(
                    organisation=self.organisation,
                    task=task,
                    actor=request.user,
                    **form.cleaned_data,
                )
            except ApplicationError as error:
                add_application_error(form, error)
            else:
                if task.difficult_moment:
                    messages.success(
                        request,
                        _(
                            "Thank you for your report. Your coordinator will meet you for a "
                            "debrief within a week."
                        ),
                    )
                else:
                    messages.success(request, _("Thank you: the task is done."))
                if self.as_staff:
                    return redirect(
                        "outreach_task_detail", org_slug=self.organisation.slug, task_id=task.pk
                    )
                return redirect("ambassador_home", org_slug=self.organisation.slug)
        return self.render_to_response(self.get_context_data(report_form=form), status=400)


class TaskActionView(TaskAccessMixin, OrgTemplateView):
    """Start, approve, decline, review, cancel: the services decide who may do which."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        task = self.get_task()
        return redirect("outreach_task_detail", org_slug=self.organisation.slug, task_id=task.pk)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        task = self.get_task()
        form = TaskDecisionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose one of the actions on the page."))
        else:
            action = form.cleaned_data["action"]
            note = form.cleaned_data["note"]
            arguments: dict[str, Any] = {"organisation": self.organisation, "task": task}
            if action != "start":
                arguments["note"] = note
            try:
                task = services.TASK_ACTIONS[action](actor=request.user, **arguments)
            except ApplicationError as error:
                messages.error(request, error.message)
            else:
                messages.success(
                    request,
                    _("%(title)s: %(status)s.")
                    % {"title": task.title, "status": task.get_status_display().lower()},
                )
                if request.POST.get("back") == "home" and not self.as_staff:
                    # Started from the ambassador's home: they stay on their list.
                    return redirect("ambassador_home", org_slug=self.organisation.slug)
        return redirect("outreach_task_detail", org_slug=self.organisation.slug, task_id=task.pk)
