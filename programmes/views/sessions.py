"""Session pages: generate from a rule, take attendance, edit, cancel, and the session log."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cocora.core.errors import ApplicationError
from cocora.core.forms import add_application_error
from cocora.organisations import page_cache
from cocora.organisations.permissions import can
from cocora.organisations.views_base import OrgTemplateView

from ..forms import SessionForm, SessionLogForm, SessionRuleForm
from ..models import Activity, Attendance, AttendanceStatus, Module, SessionStatus
from ..panels import render_session_panels
from ..selectors.cohorts import session_get
from ..selectors.sessions import session_clashes, session_log_get
from ..services import attendance as attendance_services
from ..services import session_logs as log_services
from ..services import sessions as services
from .clashes import warn_about_clashes
from .cohorts import CohortMixin


class SessionMixin:
    # Whether the page says if the session log was written (read with the session).
    session_with_log = False

    def get_session(self) -> Any:
        if not hasattr(self, "_session"):
            self._session = session_get(
                organisation=self.organisation,  # type: ignore[attr-defined]
                membership=self.membership,  # type: ignore[attr-defined]
                session_id=self.kwargs["session_id"],  # type: ignore[attr-defined]
                with_log=self.session_with_log,
            )
        return self._session


class SessionsGenerateView(CohortMixin, OrgTemplateView):
    permission = "sessions.manage"
    template_name = "programmes/sessions/generate.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        cohort = self.get_cohort()
        context["cohort"] = cohort
        context["form"] = kwargs.get("form") or SessionRuleForm(
            initial={
                "first_date": max(cohort.starts_on, timezone.localdate()),
                "weekdays": [max(cohort.starts_on, timezone.localdate()).weekday()],
                "start_time": "16:00",
                "count": 10,
                "venue": cohort.venue,
                "link_modules": True,
            }
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        cohort = self.get_cohort()
        form = SessionRuleForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                rule = services.SessionRule.from_data(data)
                created = services.sessions_generate(
                    organisation=self.organisation,
                    cohort=cohort,
                    rule=rule,
                    venue=data["venue"],
                    link_modules=data["link_modules"],
                    actor=request.user,
                )
            except ApplicationError as error:
                add_application_error(form, error)
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(count)s session was scheduled.",
                        "%(count)s sessions were scheduled.",
                        len(created),
                    )
                    % {"count": len(created)},
                )
                warn_about_clashes(
                    request,
                    session_clashes(
                        organisation=self.organisation, sessions=created, viewer=self.membership
                    ),
                )
                now = timezone.now()
                past = sum(1 for session in created if session.starts_at < now)
                if past:
                    messages.warning(
                        request,
                        ngettext(
                            "%(past)s of these sessions lies in the past. If that was not "
                            "meant, cancel it or move it below.",
                            "%(past)s of these sessions lie in the past. If that was not "
                            "meant, cancel them or move them below.",
                            past,
                        )
                        % {"past": past},
                    )
                return redirect(
                    "cohort_detail", org_slug=self.organisation.slug, cohort_id=cohort.pk
                )
        return self.render_to_response(self.get_context_data(form=form), status=400)


class SessionDetailView(SessionMixin, OrgTemplateView):
    """The attendance page: one control per person, saved idempotently; with htmx each tap saves
    on its own and says so."""

    permission = "sessions.view"
    template_name = "programmes/sessions/detail.html"
    session_with_log = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        stamp = page_cache.stamp(self.request, self.organisation)  # before the session is read
        session = self.get_session()
        context.update(session=session, cohort=session.cohort)
        # The content reads the people and their marks, clashes and panels: it is kept until
        # the organisation's data changes (and for at most five minutes), per member and form
        # token.
        context["body"] = page_cache.kept(
            "attendance-page",
            stamp=stamp,
            parts=page_cache.member_parts(self.request, self.membership, session.pk),
            render=lambda: self.render_body(session, context),
        )
        return context

    def render_body(self, session: Any, context: dict[str, Any]) -> str:
        # The marks come with the people, in one query, as plain values.
        lines = attendance_services.attendance_lines(
            organisation=self.organisation, session=session, with_marks=True
        )
        return render_to_string(
            "programmes/sessions/_detail_body.html",
            {
                **context,
                "rows": lines,
                "statuses": AttendanceStatus.choices,
                "has_log": session.has_log,
                "can_record": can(self.membership, "attendance.record"),
                "can_manage": can(self.membership, "sessions.manage"),
                "cancelled": session.status == SessionStatus.CANCELLED,
                "clashes": session_clashes(
                    organisation=self.organisation, sessions=[session], viewer=self.membership
                ).get(session.pk, []),
                "panels": render_session_panels(
                    request=self.request,
                    organisation=self.organisation,
                    membership=self.membership,
                    session=session,
                ),
                "path": self.request.path,
                "csrf_token": get_token(self.request),
            },
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        session = self.get_session()
        if not can(self.membership, "attendance.record"):
            return HttpResponse(status=403)
        # The save needs who is on the list, not their names: ids only.
        enrolment_ids = attendance_services.attendance_enrolment_ids(
            organisation=self.organisation, session=session
        )
        statuses = {}
        for pk in enrolment_ids:
            value = request.POST.get(f"status_{pk}")
            if value:
                statuses[pk] = value
        kept = 0
        if "mark_all_present" in request.POST:
            # Everyone not marked yet, here or earlier, is present; marks made stay as they are.
            marked = dict(
                Attendance.objects.for_org(self.organisation)
                .filter(session=session)
                .values_list("enrolment_id", "status")
            )
            for pk in enrolment_ids:
                if pk not in statuses and pk not in marked:
                    statuses[pk] = AttendanceStatus.PRESENT.value
            kept = sum(
                1
                for pk in enrolment_ids
                if statuses.get(pk, marked.get(pk)) != AttendanceStatus.PRESENT.value
            )
        htmx = request.headers.get("HX-Request") == "true"
        try:
            saved = attendance_services.attendance_save(
                organisation=self.organisation,
                session=session,
                statuses=statuses,
                actor=request.user,
                enrolment_ids=enrolment_ids,
            )
        except ApplicationError as error:
            if htmx:
                return render(
                    request,
                    "programmes/sessions/_saved.html",
                    {"error": error.message},
                    status=400,
                )
            messages.error(request, error.message)
            return redirect(request.path)
        if htmx:
            return render(request, "programmes/sessions/_saved.html", {"saved": saved})
        confirmation = ngettext(
            "Attendance saved for %(count)s person.",
            "Attendance saved for %(count)s people.",
            saved,
        ) % {"count": saved}
        if kept:
            # "Mark all present" never overrides a mark: say so, so nobody thinks it did.
            confirmation += " " + ngettext(
                "%(count)s person already marked absent, late or excused stays as marked.",
                "%(count)s people already marked absent, late or excused stay as marked.",
                kept,
            ) % {"count": kept}
        messages.success(request, confirmation)
        return redirect(request.path)


class SessionEditView(SessionMixin, OrgTemplateView):
    permission = "sessions.manage"
    template_name = "programmes/sessions/edit.html"

    def _modules(self, session: Any) -> list[Module]:
        return list(
            Module.objects.for_org(self.organisation).filter(
                programme_id=session.cohort.programme_id
            )
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        session = self.get_session()
        context["session"] = session
        context["form"] = kwargs.get("form") or SessionForm(
            initial={
                "starts_at": timezone.localtime(session.starts_at),
                "ends_at": timezone.localtime(session.ends_at),
                "venue": session.venue,
                "module": session.module_id,
            },
            modules=self._modules(session),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        session = self.get_session()
        modules = self._modules(session)
        form = SessionForm(request.POST, modules=modules)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.session_update(
                    organisation=self.organisation,
                    session=session,
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    venue=data["venue"],
                    module=next((m for m in modules if m.pk == data["module"]), None),
                )
            except ApplicationError as error:
                add_application_error(form, error)
            else:
                messages.success(request, _("The session was saved."))
                warn_about_clashes(
                    request,
                    session_clashes(
                        organisation=self.organisation, sessions=[session], viewer=self.membership
                    ),
                )
                return redirect(
                    "cohort_detail", org_slug=self.organisation.slug, cohort_id=session.cohort_id
                )
        return self.render_to_response(self.get_context_data(form=form), status=400)


class SessionStatusView(SessionMixin, OrgTemplateView):
    """Cancel or reinstate a session, after a confirmation page."""

    permission = "sessions.manage"
    template_name = "programmes/sessions/status.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        session = self.get_session()
        context["session"] = session
        context["new_status"] = (
            SessionStatus.SCHEDULED
            if session.status == SessionStatus.CANCELLED
            else SessionStatus.CANCELLED
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        session = self.get_session()
        try:
            services.session_set_status(
                organisation=self.organisation,
                session=session,
                status=request.POST.get("status", ""),
                actor=request.user,
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("The session is now: %(status)s.") % {"status": session.get_status_display()},
            )
        return redirect(
            "cohort_detail", org_slug=self.organisation.slug, cohort_id=session.cohort_id
        )


class SessionLogView(SessionMixin, OrgTemplateView):
    permission = "session_logs.write"
    template_name = "programmes/sessions/log.html"

    def _activities(self, session: Any) -> list[Activity]:
        """The activities of the session's module (all of the programme's when the session
        has no module): a short list to tick on a phone."""
        activities = Activity.objects.for_org(self.organisation).filter(
            module__programme_id=session.cohort.programme_id
        )
        if session.module_id:
            activities = activities.filter(module_id=session.module_id)
        return list(
            activities.select_related("module").order_by(
                "module__position", "module__pk", "position", "pk"
            )
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        session = self.get_session()
        log = session_log_get(organisation=self.organisation, session=session)
        note_visible = log is None or log_services.session_log_note_visible(
            log=log, user=self.request.user, role=self.membership.role
        )
        initial: dict[str, Any] = {}
        if log is not None:
            initial = {
                "summary": log.summary,
                "themes": log.themes,
                "group_climate": log.group_climate,
                "follow_ups": log.follow_ups,
                "confidential_note": log.confidential_note if note_visible else "",
                "activities": [covered.activity_id for covered in log.covered.all()],
            }
        elif session.module_id:
            initial["activities"] = [
                a.pk for a in self._activities(session) if a.module_id == session.module_id
            ]
        form = kwargs.get("form") or SessionLogForm(
            initial=initial,
            activities=self._activities(session),
            safe_space=session.cohort.safe_space,
        )
        if not note_visible and "confidential_note" in form.fields:
            del form.fields["confidential_note"]
            # A refused note (sent by hand) is still said, above the form that has no note.
            if form.is_bound and "confidential_note" in form.errors:
                form.add_error(None, form.errors.pop("confidential_note"))
        if log is not None and self.request.method == "GET":
            # Records the reading of a note that says something (the service's rule).
            log_services.session_log_note_read(
                organisation=self.organisation,
                log=log,
                user=self.request.user,
                role=self.membership.role,
            )
        context.update(session=session, cohort=session.cohort, log=log, form=form)
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        session = self.get_session()
        form = SessionLogForm(
            request.POST,
            activities=self._activities(session),
            safe_space=session.cohort.safe_space,
        )
        if form.is_valid():
            data = form.cleaned_data
            try:
                log_services.session_log_save(
                    organisation=self.organisation,
                    session=session,
                    author=request.user,
                    summary=data["summary"],
                    themes=data["themes"],
                    group_climate=data["group_climate"],
                    follow_ups=data["follow_ups"],
                    confidential_note=data.get("confidential_note", ""),
                    activity_ids=data["activities"],
                )
            except ApplicationError as error:
                add_application_error(form, error)
            else:
                messages.success(request, _("The session log was saved."))
                return redirect(
                    "session_detail", org_slug=self.organisation.slug, session_id=session.pk
                )
        return self.render_to_response(self.get_context_data(form=form), status=400)
