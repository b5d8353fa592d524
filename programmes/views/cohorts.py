"""Cohort pages: list, create and edit, the cohort page, enrolment and message recipients."""

from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from cocora.core.errors import ApplicationError
from cocora.core.forms import add_application_error
from cocora.core.ids import parse_id, parse_ids
from cocora.core.paging import Paged, page_of, page_of_rows
from cocora.core.templatetags.cocora_dates import format_with_year
from cocora.core.urls_many import address_for_each
from cocora.organisations import page_cache
from cocora.organisations.models import Membership, Role
from cocora.organisations.permissions import can
from cocora.organisations.views_base import OrgTemplateView

from ..charts import attendance_chart
from ..forms import CohortForm, StageForm, TrainersMessageForm
from ..models import (
    AttendanceStatus,
    CohortTrainer,
    Enrolment,
    EnrolmentStage,
    Programme,
    SessionStatus,
)
from ..panels import render_cohort_panels
from ..selectors.cohorts import (
    PROGRESS_STAGES,
    CohortSummary,
    attendance_marks,
    cohort_get,
    cohort_list,
    cohort_people,
    cohort_summary,
    cohort_trainers,
    people_progress,
    sessions_upcoming,
)
from ..selectors.dashboard import cohort_attendance_of
from ..selectors.participants import contact_recipients, enrol_candidates, participant_rows
from ..selectors.sessions import session_clashes
from ..services import cohorts as services
from .clashes import warn_about_clashes

# People per page of the cohort page: a 300-person cohort in twelve light pages, each a
# phone's few screens long.
PEOPLE_PER_PAGE = 25


class CohortMixin:
    """Resolves `cohort_id` through the scope rules: a trainer reaches only their cohorts."""

    def get_cohort(self) -> Any:
        if not hasattr(self, "_cohort"):
            self._cohort = cohort_get(
                organisation=self.organisation,  # type: ignore[attr-defined]
                membership=self.membership,  # type: ignore[attr-defined]
                cohort_id=self.kwargs["cohort_id"],  # type: ignore[attr-defined]
            )
        return self._cohort


def people_page(
    view: Any, summary: CohortSummary, *, stages: Iterable[str], per_page: int
) -> Paged:
    """The page `?page=` asks for of the cohort's people at these stages, with their
    attendance: two queries (the count comes from the summary)."""
    timeline = summary.timeline
    return page_of_rows(
        view.request,
        cohort_people(organisation=view.organisation, cohort=summary.cohort, stages=stages),
        lambda enrolments: people_progress(
            enrolments, organisation=view.organisation, timeline=timeline
        ),
        per_page=per_page,
        count=summary.people_count(stages),
    )


class CohortListView(OrgTemplateView):
    permission = "cohorts.view"
    template_name = "programmes/cohorts/list.html"
    page_size = 50

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # Newest first, a page at a time: an organisation opens cohorts every term for years.
        paged = page_of(
            self.request,
            cohort_list(organisation=self.organisation, membership=self.membership),
            per_page=self.page_size,
        )
        context["cohorts"] = paged.items
        context["paged"] = paged
        context["can_manage"] = can(self.membership, "cohorts.manage")
        return context


class CohortFormMixin:
    def form_options(self) -> dict[str, Any]:
        organisation = self.organisation  # type: ignore[attr-defined]
        members = list(
            Membership.objects.for_org(organisation)
            .filter(role__in=[Role.ADMIN, Role.COORDINATOR, Role.TRAINER])
            .select_related("user")
            .order_by("user__name")
        )
        return {
            "programmes": list(
                Programme.objects.for_org(organisation).filter(archived_at__isnull=True)
            ),
            "coordinators": [m.user for m in members if m.role != Role.TRAINER],
            "trainers": [m.user for m in members],
        }

    def coordinator_from(self, form: CohortForm, options: dict[str, Any]) -> Any:
        wanted = form.cleaned_data.get("coordinator")
        return next((u for u in options["coordinators"] if u.pk == wanted), None)


class CohortCreateView(CohortFormMixin, OrgTemplateView):
    permission = "cohorts.manage"
    template_name = "programmes/cohorts/form.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["form"] = kwargs.get("form") or CohortForm(
            initial={
                "starts_on": timezone.localdate(),
                "coordinator": self.request.user.pk,
                "programme": self.request.GET.get("programme"),
            },
            **self.form_options(),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        options = self.form_options()
        form = CohortForm(request.POST, **options)
        if form.is_valid():
            data = form.cleaned_data
            programme = self.get_org_object(Programme, data["programme"])
            try:
                cohort = services.cohort_create(
                    organisation=self.organisation,
                    programme=programme,
                    name=data["name"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    venue=data["venue"],
                    capacity=data["capacity"],
                    safe_space=data["safe_space"],
                    coordinator=self.coordinator_from(form, options),
                    trainer_ids=data["trainers"],
                )
            except ApplicationError as error:
                add_application_error(form, error)
            else:
                messages.success(
                    request,
                    _("The cohort %(name)s is open. Next: schedule its sessions.")
                    % {"name": cohort.name},
                )
                return redirect(
                    "sessions_generate", org_slug=self.organisation.slug, cohort_id=cohort.pk
                )
        return self.render_to_response(self.get_context_data(form=form), status=400)


class CohortEditView(CohortMixin, CohortFormMixin, OrgTemplateView):
    permission = "cohorts.manage"
    template_name = "programmes/cohorts/form.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        cohort = self.get_cohort()
        trainer_ids = list(
            CohortTrainer.objects.for_org(self.organisation)
            .filter(cohort=cohort)
            .values_list("user_id", flat=True)
        )
        context["cohort"] = cohort
        context["form"] = kwargs.get("form") or CohortForm(
            initial={
                "programme": cohort.programme_id,
                "name": cohort.name,
                "starts_on": cohort.starts_on,
                "ends_on": cohort.ends_on,
                "venue": cohort.venue,
                "capacity": cohort.capacity,
                "coordinator": cohort.coordinator_id,
                "trainers": trainer_ids,
                "safe_space": cohort.safe_space,
            },
            editing=True,
            **self.form_options(),
        )
        context["panels"] = render_cohort_panels(
            request=self.request,
            organisation=self.organisation,
            membership=self.membership,
            cohort=cohort,
            editing=True,
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        cohort = self.get_cohort()
        options = self.form_options()
        form = CohortForm(
            request.POST, initial={"programme": cohort.programme_id}, editing=True, **options
        )
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.cohort_update(
                    organisation=self.organisation,
                    cohort=cohort,
                    name=data["name"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    venue=data["venue"],
                    capacity=data["capacity"],
                    safe_space=data["safe_space"],
                    coordinator=self.coordinator_from(form, options),
                    actor=request.user,
                )
                services.cohort_set_trainers(
                    organisation=self.organisation,
                    cohort=cohort,
                    trainer_ids=data["trainers"],
                    actor=request.user,
                )
            except ApplicationError as error:
                add_application_error(form, error)
            else:
                messages.success(request, _("The cohort was saved."))
                upcoming = sessions_upcoming(
                    organisation=self.organisation, cohort=cohort, today=timezone.localdate()
                )
                warn_about_clashes(
                    request,
                    session_clashes(
                        organisation=self.organisation, sessions=upcoming, viewer=self.membership
                    ),
                )
                return redirect(
                    "cohort_detail", org_slug=self.organisation.slug, cohort_id=cohort.pk
                )
        return self.render_to_response(self.get_context_data(form=form), status=400)


class CohortDetailView(CohortMixin, OrgTemplateView):
    """The cohort page, compact: one page of people with their attendance rate, absence flag
    and stage (one query, however large the cohort), the sessions and the attendance chart.
    The session-by-person grid has its own page (CohortGridView)."""

    permission = "cohorts.view"
    template_name = "programmes/cohorts/detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        stamp = page_cache.stamp(self.request, self.organisation)  # before the cohort is read
        cohort = self.get_cohort()
        context.update(cohort=cohort, can_manage=can(self.membership, "cohorts.manage"))
        # The content reads the cohort's people, sessions and panels: it is kept until the
        # organisation's data changes (and for at most five minutes), per member, page asked
        # for and form token.
        context["body"] = page_cache.kept(
            "cohort-page",
            stamp=stamp,
            parts=page_cache.member_parts(
                self.request, self.membership, cohort.pk, self.request.GET.urlencode()
            ),
            render=lambda: self.render_body(cohort, context),
        )
        return context

    def render_body(self, cohort: Any, context: dict[str, Any]) -> str:
        summary = cohort_summary(
            organisation=self.organisation, cohort=cohort, viewer=self.membership
        )
        can_manage = context["can_manage"]
        # Trainers see those who hold (or held) a place; staff also the waiting list,
        # applications and withdrawals, whose stage they change here.
        stages = EnrolmentStage.values if can_manage else PROGRESS_STAGES
        people = people_page(self, summary, stages=stages, per_page=PEOPLE_PER_PAGE)
        # Each row's address from one reverse, its stage's name translated once per stage.
        participant_url = address_for_each(
            "participant_detail", vary="participant_id", org_slug=self.organisation.slug
        )
        stage_labels = dict(EnrolmentStage.choices)
        for row in people.items:
            enrolment = row.enrolment
            enrolment.participant_url = participant_url(enrolment.participant_id)
            enrolment.stage_label = stage_labels[enrolment.stage]
        session_url = {
            kind: address_for_each(kind, vary="session_id", org_slug=self.organisation.slug)
            for kind in ("session_detail", "session_edit", "session_status")
        }
        status_labels = dict(SessionStatus.choices)
        today = timezone.localdate()
        for session in summary.sessions:
            session.detail_url = session_url["session_detail"](session.pk)
            session.edit_url = session_url["session_edit"](session.pk)
            session.status_url = session_url["session_status"](session.pk)
            session.status_label = status_labels[session.status]
            session.when = format_with_year(session.starts_at, "DAY_TIME_FORMAT", today=today)
            session.day = format_with_year(session.starts_at, "SHORT_MONTH_DAY_FORMAT", today=today)
        attendance = cohort_attendance_of(cohort, summary.sessions)
        return render_to_string(
            "programmes/cohorts/_detail_body.html",
            {
                **context,
                "summary": summary,
                "people": people,
                "attendance_chart": attendance_chart(attendance) if attendance else None,
                "can_export": can(self.membership, "participants.export"),
                "can_email_trainers": can(self.membership, "cohorts.email_trainers"),
                "can_view_participants": can(self.membership, "participants.view"),
                # Translated once for the bulk form's menu.
                "stage_choices": [(value, str(label)) for value, label in EnrolmentStage.choices],
                "panels": render_cohort_panels(
                    request=self.request,
                    organisation=self.organisation,
                    membership=self.membership,
                    cohort=cohort,
                    editing=False,
                ),
                "csrf_token": get_token(self.request),
            },
        )


class CohortEnrolView(CohortMixin, OrgTemplateView):
    """Enrol one, some or all participants from a filtered list."""

    permission = "cohorts.manage"
    template_name = "programmes/cohorts/enrol.html"
    page_size = 100

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        cohort = self.get_cohort()
        search = self.request.GET.get("q", "").strip()[:100]
        # One page of the people not in the cohort yet, with their consent state: "enrol all
        # shown" enrols this page's people.
        paged = page_of_rows(
            self.request,
            enrol_candidates(organisation=self.organisation, cohort=cohort, search=search),
            lambda participants: participant_rows(
                participants, organisation=self.organisation, enrolments=False
            ),
            per_page=self.page_size,
        )
        context.update(
            cohort=cohort,
            search=search,
            rows=paged.items,
            paged=paged,
            places_free=max(
                0,
                cohort.capacity
                - Enrolment.objects.for_org(self.organisation)
                .filter(cohort=cohort, stage__in=[EnrolmentStage.ENROLLED, EnrolmentStage.ACTIVE])
                .count(),
            ),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        cohort = self.get_cohort()
        ids = parse_ids(request.POST.getlist("shown" if "all" in request.POST else "participant"))
        try:
            result = services.enrolments_create(
                organisation=self.organisation,
                cohort=cohort,
                participant_ids=ids,
                actor=request.user,
            )
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect(request.get_full_path())
        if result.enrolled:
            messages.success(
                request,
                ngettext(
                    "%(count)s person was enrolled.",
                    "%(count)s people were enrolled.",
                    len(result.enrolled),
                )
                % {"count": len(result.enrolled)},
            )
        if result.waitlisted:
            messages.warning(
                request,
                _("The cohort is full: %(names)s went to the waiting list.")
                % {"names": ", ".join(p.display_name for p in result.waitlisted)},
            )
        for participant, missing in result.needs_consent:
            messages.warning(
                request,
                _("%(name)s was added as applied: record %(missing)s before they can take part.")
                % {"name": participant.display_name, "missing": _(" and ").join(missing)},
            )
        return redirect("cohort_detail", org_slug=self.organisation.slug, cohort_id=cohort.pk)


class EnrolmentStageView(OrgTemplateView):
    permission = "cohorts.manage"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # The stage is changed from the cohort page; a plain visit goes there.
        enrolment = self.get_org_object(Enrolment, kwargs["enrolment_id"])
        return redirect(
            "cohort_detail", org_slug=self.organisation.slug, cohort_id=enrolment.cohort_id
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        enrolment = self.get_org_object(Enrolment, kwargs["enrolment_id"])
        form = StageForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose one of the listed stages."))
        else:
            try:
                services.enrolment_change_stage(
                    organisation=self.organisation,
                    enrolment=enrolment,
                    stage=form.cleaned_data["stage"],
                    actor=request.user,
                )
            except ApplicationError as error:
                messages.error(request, error.message)
            else:
                messages.success(
                    request,
                    _("%(name)s: %(stage)s.")
                    % {
                        "name": enrolment.participant.display_name,
                        "stage": enrolment.get_stage_display(),
                    },
                )
        return redirect(
            "cohort_detail", org_slug=self.organisation.slug, cohort_id=enrolment.cohort_id
        )


class CohortStagesView(CohortMixin, OrgTemplateView):
    """The cohort page's bulk action: the chosen people (or everyone on the page) to one
    stage, all or none."""

    permission = "cohorts.manage"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # The form sits on the cohort page; a plain visit goes there.
        return redirect(
            "cohort_detail", org_slug=self.organisation.slug, cohort_id=self.get_cohort().pk
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        cohort = self.get_cohort()
        ids = parse_ids(request.POST.getlist("shown" if "all" in request.POST else "enrolment"))
        form = StageForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose one of the listed stages."))
        else:
            stage = form.cleaned_data["stage"]
            try:
                changed = services.enrolments_stage_change(
                    organisation=self.organisation,
                    cohort=cohort,
                    enrolment_ids=ids,
                    stage=stage,
                    actor=request.user,
                )
            except ApplicationError as error:
                messages.error(request, error.message)
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(count)s person moved to %(stage)s.",
                        "%(count)s people moved to %(stage)s.",
                        len(changed),
                    )
                    % {"count": len(changed), "stage": EnrolmentStage(stage).label},
                )
        address = reverse(
            "cohort_detail", kwargs={"org_slug": self.organisation.slug, "cohort_id": cohort.pk}
        )
        page = parse_id(request.POST.get("page", ""))
        return redirect(f"{address}?page={page}" if page and page > 1 else address)


class CohortGridView(CohortMixin, OrgTemplateView):
    """Attendance session by session: a page of people (rows) against every session of the
    cohort that was not cancelled (columns). Moved off the cohort page, which stays light."""

    permission = "cohorts.view"
    template_name = "programmes/cohorts/grid.html"
    per_page = 25

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        cohort = self.get_cohort()
        summary = cohort_summary(organisation=self.organisation, cohort=cohort, viewer=None)
        sessions = [s for s in summary.sessions if s.status != SessionStatus.CANCELLED]
        people = people_page(self, summary, stages=PROGRESS_STAGES, per_page=self.per_page)
        marks = attendance_marks(
            organisation=self.organisation,
            cohort=cohort,
            enrolment_ids=[p.enrolment.pk for p in people.items],
        )
        # One letter per mark, translated once; a held session without a mark reads as missed.
        letters = {
            AttendanceStatus.PRESENT: pgettext("attendance mark", "P"),
            AttendanceStatus.LATE: pgettext("attendance mark", "L"),
            AttendanceStatus.EXCUSED: pgettext("attendance mark", "E"),
            AttendanceStatus.ABSENT: pgettext("attendance mark", "A"),
        }
        held = {s.pk for s in sessions if s.status == SessionStatus.HELD}
        context.update(
            cohort=cohort,
            sessions=sessions,
            people=people,
            legend=[(letters[value], label) for value, label in AttendanceStatus.choices],
            rows=[
                (
                    p,
                    [
                        letters.get(
                            marks.get((p.enrolment.pk, s.pk), ""), "–" if s.pk in held else ""
                        )
                        for s in sessions
                    ],
                )
                for p in people.items
            ],
        )
        return context


class CohortEmailTrainersView(CohortMixin, OrgTemplateView):
    """A message from the coordinator to the cohort's trainers, sent through the delivery log."""

    permission = "cohorts.email_trainers"
    template_name = "programmes/cohorts/email_trainers.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        cohort = self.get_cohort()
        context["cohort"] = cohort
        context["trainers"] = cohort_trainers(organisation=self.organisation, cohort=cohort)
        context["form"] = kwargs.get("form") or TrainersMessageForm()
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        cohort = self.get_cohort()
        form = TrainersMessageForm(request.POST)
        if form.is_valid():
            try:
                sent = services.cohort_trainers_email(
                    organisation=self.organisation,
                    cohort=cohort,
                    subject=form.cleaned_data["subject"],
                    message=form.cleaned_data["message"],
                    actor=request.user,
                )
            except ApplicationError as error:
                add_application_error(form, error)
            else:
                if sent:
                    messages.success(
                        request,
                        ngettext(
                            "Your message goes to %(count)s trainer.",
                            "Your message goes to %(count)s trainers.",
                            sent,
                        )
                        % {"count": sent},
                    )
                else:
                    messages.info(
                        request, _("This message was sent already; nothing new went out.")
                    )
                return redirect(
                    "cohort_detail", org_slug=self.organisation.slug, cohort_id=cohort.pk
                )
        return self.render_to_response(self.get_context_data(form=form), status=400)


class CohortRecipientsView(CohortMixin, OrgTemplateView):
    """Who messages about this cohort would reach, and why the others would not."""

    permission = "participants.view"
    template_name = "programmes/cohorts/recipients.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        cohort = self.get_cohort()
        context["cohort"] = cohort
        context["recipients"] = contact_recipients(
            organisation=self.organisation, cohort_id=cohort.pk
        )
        return context
