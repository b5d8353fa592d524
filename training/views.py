"""Pages of the training app: courses and the refreshers due (staff), recording a course for
several people at once, and each person's training history (staff, or the person themself)."""

from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ambassadors.models import Ambassador
from cocora.core.dates import organisation_today
from cocora.core.errors import ApplicationError
from cocora.core.forms import add_application_error
from cocora.core.paging import page_of, page_of_rows
from cocora.organisations.models import Membership
from cocora.organisations.permissions import can
from cocora.organisations.views_base import OrgTemplateView

from . import services
from .forms import CourseForm, RecordForm
from .models import Course, TrainingRecord
from .selectors import (
    STAFF_ROLES,
    ambassador_history,
    course_list,
    latest_of_each_course,
    member_history,
    own_ambassador,
    record_queryset,
    refreshers_due,
    required_courses_of_staff,
    standings,
    trainable_ambassadors,
    trainable_members,
)


def _url(name: str, organisation: Any, **kwargs: Any) -> str:
    return reverse(name, kwargs={"org_slug": organisation.slug, **kwargs})


class TrainingHomeView(OrgTemplateView):
    """Staff: the courses and the refreshers due. Trainers and ambassadors: their own record."""

    permission = "training.view"
    template_name = "training/home.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can(self.membership, "training.manage"):
            return redirect(_url("training_mine", self.organisation))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        today = organisation_today(self.organisation)
        context["courses"] = list(course_list(organisation=self.organisation))
        context["due"] = refreshers_due(organisation=self.organisation, today=today)
        context["today"] = today
        return context


class PeopleView(OrgTemplateView):
    """Everyone who is trained (trainers, coordinators, admins, working ambassadors), paged,
    each with the courses they lack or must soon refresh. A fixed number of queries."""

    permission = "training.manage"
    template_name = "training/people.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        today = organisation_today(self.organisation)
        people: list[Any] = [
            *trainable_members(organisation=self.organisation),
            *trainable_ambassadors(organisation=self.organisation),
        ]
        required = required_courses_of_staff(organisation=self.organisation)

        def rows(page: list[Any]) -> list[dict[str, Any]]:
            members = [p for p in page if isinstance(p, Membership)]
            young = [p for p in page if isinstance(p, Ambassador)]
            records: dict[tuple[str, int | None], list[TrainingRecord]] = {}
            for record in record_queryset(organisation=self.organisation).filter(
                Q(membership__in=members) | Q(ambassador__in=young)
            ):
                key = (
                    ("m", record.membership_id)
                    if record.membership_id
                    else ("a", record.ambassador_id)
                )
                records.setdefault(key, []).append(record)  # type: ignore[arg-type]
            built = []
            for person in page:
                is_member = isinstance(person, Membership)
                key = ("m" if is_member else "a", person.pk)
                built.append(
                    {
                        "person": person,
                        "is_member": is_member,
                        "standings": [
                            s
                            for s in standings(
                                records=records.get(key, []),
                                courses=required if is_member else [],
                                today=today,
                            )
                            if s.state != "valid"
                        ],
                        "url": _url("training_member", self.organisation, membership_id=person.pk)
                        if is_member
                        else _url(
                            "training_ambassador", self.organisation, ambassador_id=person.pk
                        ),
                    }
                )
            return built

        context["paged"] = page_of_rows(self.request, people, rows)
        return context


class HistoryView(OrgTemplateView):
    """One person's training: where they stand in each course, and their completions, the
    latest first, paged with a count. The same queries however long the history: the standing
    reads each course's latest completion, not every one."""

    permission = "training.view"
    template_name = "training/history.html"
    page_size = 50

    def person(self) -> tuple[Any, Any, list[Course]]:
        """(the person, their records, the courses required of them); Http404 when the viewer
        may not see them."""
        raise NotImplementedError

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        person, records, required = self.person()
        context.update(
            person=person,
            name=person.user if isinstance(person, Membership) else str(person),
            records=page_of(self.request, records, per_page=self.page_size),
            standings=standings(
                records=latest_of_each_course(records),
                courses=required,
                today=organisation_today(self.organisation),
            ),
            can_manage=can(self.membership, "training.manage"),
        )
        return context


class MemberHistoryView(HistoryView):
    def person(self) -> tuple[Any, Any, list[Course]]:
        membership = self.get_org_object(Membership, self.kwargs["membership_id"])
        if membership.pk != self.membership.pk and not can(self.membership, "training.manage"):
            raise Http404
        required = (
            required_courses_of_staff(organisation=self.organisation)
            if membership.role in STAFF_ROLES
            else []
        )
        return (
            membership,
            member_history(organisation=self.organisation, membership=membership),
            required,
        )


class AmbassadorHistoryView(HistoryView):
    def person(self) -> tuple[Any, Any, list[Course]]:
        ambassador = self.get_org_object(Ambassador, self.kwargs["ambassador_id"])
        mine = ambassador.user_id is not None and ambassador.user_id == self.membership.user_id
        if not mine and not can(self.membership, "training.manage"):
            raise Http404
        return (
            ambassador,
            ambassador_history(organisation=self.organisation, ambassador=ambassador),
            [],
        )


class MyTrainingView(HistoryView):
    """The viewer's own training: a member's, or an ambassador's through their record."""

    def person(self) -> tuple[Any, Any, list[Course]]:
        ambassador = own_ambassador(organisation=self.organisation, membership=self.membership)
        if ambassador is not None:
            return (
                ambassador,
                ambassador_history(organisation=self.organisation, ambassador=ambassador),
                [],
            )
        required = (
            required_courses_of_staff(organisation=self.organisation)
            if self.membership.role in STAFF_ROLES
            else []
        )
        return (
            self.membership,
            member_history(organisation=self.organisation, membership=self.membership),
            required,
        )


class CourseFormView(OrgTemplateView):
    permission = "training.manage"
    template_name = "training/course_form.html"

    def course(self) -> Course | None:
        course_id = self.kwargs.get("course_id")
        return None if course_id is None else self.get_org_object(Course, course_id)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        course = self.course()
        initial: dict[str, Any] = {"roles": ["trainer"]}
        if course is not None:
            initial = {
                "name": course.name,
                "description": course.description,
                "hours": course.hours,
                "roles": course.roles,
                "programme_kinds": course.programme_kinds,
                "refresher_months": course.refresher_months,
                "required_for_trainers": course.required_for_trainers,
            }
        context["course"] = course
        context["form"] = kwargs.get("form") or CourseForm(initial=initial)
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        course = self.course()
        form = CourseForm(request.POST)
        if form.is_valid():
            try:
                if course is None:
                    services.course_create(
                        organisation=self.organisation, actor=request.user, **form.cleaned_data
                    )
                else:
                    services.course_update(
                        organisation=self.organisation,
                        course=course,
                        actor=request.user,
                        **form.cleaned_data,
                    )
            except ApplicationError as error:
                add_application_error(form, error)
            else:
                messages.success(request, _("The course was saved."))
                return redirect(_url("training_home", self.organisation))
        return self.render_to_response(self.get_context_data(form=form), status=400)


class CourseDeleteView(OrgTemplateView):
    permission = "training.manage"
    template_name = "training/delete.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        course = self.get_org_object(Course, self.kwargs["course_id"])
        context.update(
            name=course.name,
            back=_url("training_home", self.organisation),
            error=kwargs.get("error"),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        course = self.get_org_object(Course, self.kwargs["course_id"])
        try:
            services.course_delete(
                organisation=self.organisation, course=course, actor=request.user
            )
        except ApplicationError as error:
            return self.render_to_response(self.get_context_data(error=error.message), status=400)
        messages.success(request, _("The course was removed."))
        return redirect(_url("training_home", self.organisation))


class RecordDeleteView(OrgTemplateView):
    permission = "training.manage"
    template_name = "training/delete.html"

    def record(self) -> TrainingRecord:
        return self.get_org_object(TrainingRecord, self.kwargs["training_record_id"])

    def back(self, record: TrainingRecord) -> str:
        if record.membership_id:
            return _url("training_member", self.organisation, membership_id=record.membership_id)
        return _url("training_ambassador", self.organisation, ambassador_id=record.ambassador_id)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        record = self.record()
        context.update(name=str(record), back=self.back(record))
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        record = self.record()
        back = self.back(record)
        services.training_record_delete(
            organisation=self.organisation, record=record, actor=request.user
        )
        messages.success(request, _("The training record was removed."))
        return redirect(back)


class RecordTrainingView(OrgTemplateView):
    """One course, one day, several people: what a coordinator enters after a course."""

    permission = "training.manage"
    template_name = "training/record_form.html"

    def form_choices(self) -> dict[str, Any]:
        return {
            "courses": list(course_list(organisation=self.organisation)),
            "members": list(trainable_members(organisation=self.organisation)),
            "ambassadors": list(trainable_ambassadors(organisation=self.organisation)),
        }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        options = kwargs.get("options") or self.form_choices()
        context["has_courses"] = bool(options["courses"])
        context["form"] = kwargs.get("form") or RecordForm(
            initial={
                "course": self.request.GET.get("course"),
                "completed_on": organisation_today(self.organisation),
            },
            **options,
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        options = self.form_choices()
        form = RecordForm(request.POST, **options)
        if form.is_valid():
            data = form.cleaned_data
            courses = {c.pk: c for c in options["courses"]}
            members = [m for m in options["members"] if m.pk in set(data["members"])]
            young = [a for a in options["ambassadors"] if a.pk in set(data["ambassadors"])]
            try:
                created = services.training_record_create_many(
                    organisation=self.organisation,
                    course=courses[data["course"]],
                    completed_on=data["completed_on"],
                    memberships=members,
                    ambassadors=young,
                    hours=data["hours"],
                    note=data["note"],
                    actor=request.user,
                )
            except ApplicationError as error:
                add_application_error(form, error)
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(count)s completion was recorded.",
                        "%(count)s completions were recorded.",
                        len(created),
                    )
                    % {"count": len(created)},
                )
                return redirect(_url("training_home", self.organisation))
        return self.render_to_response(
            self.get_context_data(form=form, options=options), status=400
        )
