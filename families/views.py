"""Pages of the families app: the family activities of the cohorts, inviting guardians,
recording counts, guardians' links (staff), and the guardian's own page found by their link."""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from cocora.core.dates import organisation_today
from cocora.core.errors import ApplicationError
from cocora.core.forms import add_application_error
from cocora.core.ids import parse_id
from cocora.core.paging import page_of
from cocora.organisations.context import set_db_context
from cocora.organisations.models import Organisation
from cocora.organisations.permissions import can
from cocora.organisations.selectors import organisation_get_by_slug
from cocora.organisations.views_base import OrgTemplateView
from programmes.models import Consent, Participant
from programmes.selectors.cohorts import cohort_get, cohort_list

from . import services
from .contacts import guardian_language
from .forms import CountsForm, FamilyActivityForm, InviteForm
from .models import FamilyActivity, GuardianLink
from .selectors import (
    family_activity_get,
    family_activity_queryset,
    guardian_page,
    guardian_rows,
    link_by_secret,
)


def activity_url(organisation: Organisation, activity: FamilyActivity) -> str:
    return reverse(
        "family_activity_detail",
        kwargs={"org_slug": organisation.slug, "family_activity_id": activity.pk},
    )


def submit(
    request: HttpRequest, form: Any, save: Callable[[], str], message: str
) -> HttpResponse | None:
    """With a valid form, calls `save` (a service; it returns where to go next) and redirects
    there with `message`; a refusal of the service becomes the form's error. None when the
    form is to be shown again."""
    if form.is_valid():
        try:
            target = save()
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, message)
            return redirect(target)
    return None


class FamilyPage(OrgTemplateView):
    """A page of one activity (from the URL) or one cohort's families."""

    def activity(self) -> FamilyActivity:
        return family_activity_get(
            organisation=self.organisation,
            membership=self.membership,
            activity_id=self.kwargs["family_activity_id"],
        )

    def rows(self, cohort: Any, activity: FamilyActivity | None = None) -> list[Any]:
        return guardian_rows(
            organisation=self.organisation,
            cohort=cohort,
            today=organisation_today(self.organisation),
            now=timezone.now(),
            activity=activity,
        )


class ActivityListView(OrgTemplateView):
    permission = "families.view"
    template_name = "families/list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        cohorts = list(cohort_list(organisation=self.organisation, membership=self.membership))
        cohort_id = parse_id(self.request.GET.get("cohort", ""))
        if cohort_id not in {c.pk for c in cohorts}:
            cohort_id = None
        activities = family_activity_queryset(
            organisation=self.organisation, membership=self.membership, cohort_id=cohort_id
        )
        context.update(
            paged=page_of(self.request, activities, per_page=30),
            cohorts=cohorts,
            cohort_id=cohort_id,
            can_manage=can(self.membership, "families.manage"),
            now=timezone.now(),
        )
        return context


class ActivityFormView(FamilyPage):
    permission = "families.manage"
    template_name = "families/form.html"
    current: FamilyActivity | None = None

    def load(self) -> None:
        if "family_activity_id" in self.kwargs:
            self.current = self.activity()
        self.cohorts = list(cohort_list(organisation=self.organisation, membership=self.membership))

    def make_form(self, data: Any = None) -> FamilyActivityForm:
        if self.current is not None:
            a = self.current
            initial = {f: getattr(a, f) for f in services.ACTIVITY_FIELDS}
            return FamilyActivityForm(data, initial=initial)
        cohort = parse_id(self.request.GET.get("cohort", ""))
        return FamilyActivityForm(data, cohorts=self.cohorts, initial={"cohort": cohort})

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        self.load()
        context["activity"] = self.current
        context["form"] = kwargs.get("form") or self.make_form()
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.load()
        form = self.make_form(request.POST)

        def save() -> str:
            data = dict(form.cleaned_data)
            if self.current is None:
                cohort_id = data.pop("cohort")
                cohort = next(c for c in self.cohorts if c.pk == cohort_id)
                activity = services.family_activity_create(
                    organisation=self.organisation, cohort=cohort, actor=request.user, **data
                )
            else:
                activity = services.family_activity_update(
                    organisation=self.organisation,
                    activity=self.current,
                    actor=request.user,
                    **data,
                )
            return activity_url(self.organisation, activity)

        done = submit(request, form, save, _("Saved."))
        return done or self.render_to_response(self.get_context_data(form=form), status=400)


class ActivityCreateView(ActivityFormView):
    pass


class ActivityEditView(ActivityFormView):
    pass


class ActivityDetailView(FamilyPage):
    permission = "families.view"
    template_name = "families/detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        activity = self.activity()
        can_manage = can(self.membership, "families.manage")
        initial = {
            "adults_attended": activity.adults_attended,
            "young_people_attended": activity.young_people_attended,
        }
        context.update(
            activity=activity,
            can_manage=can_manage,
            begun=activity.starts_at <= timezone.now(),
            counts_form=kwargs.get("counts_form") or CountsForm(initial=initial),
        )
        if can_manage:
            rows = self.rows(activity.cohort, activity)
            context["invited"] = sum(1 for r in rows if r.invited_at)
            context["reachable"] = sum(1 for r in rows if r.reachable)
            context["families"] = len(rows)
        return context


class CountsView(ActivityDetailView):
    """POST records the counts; a visit shows the activity."""

    permission = "families.manage"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        activity = self.activity()
        form = CountsForm(request.POST)

        def save() -> str:
            services.family_activity_counts_record(
                organisation=self.organisation,
                activity=activity,
                actor=request.user,
                **form.cleaned_data,
            )
            return activity_url(self.organisation, activity)

        done = submit(request, form, save, _("The counts were recorded."))
        return done or self.render_to_response(self.get_context_data(counts_form=form), status=400)


class InviteView(FamilyPage):
    permission = "families.manage"
    template_name = "families/invite.html"

    def load(self) -> tuple[FamilyActivity, list[Any]]:
        activity = self.activity()
        return activity, self.rows(activity.cohort, activity)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        activity, rows = self.load()
        context.update(
            activity=activity,
            rows=rows,
            begun=activity.starts_at <= timezone.now(),
            reachable=sum(1 for r in rows if r.reachable and not r.invited_at),
            error=kwargs.get("error", ""),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        activity, rows = self.load()
        form = InviteForm(request.POST, choices=[(r.participant.pk, "") for r in rows])
        if not form.is_valid():
            return self.render_to_response(
                self.get_context_data(error=_("Choose families of this cohort.")), status=400
            )
        chosen = None if form.cleaned_data["everyone"] else form.cleaned_data["participants"]
        try:
            result = services.guardians_invite(
                organisation=self.organisation,
                activity=activity,
                participant_ids=chosen,
                actor=request.user,
            )
        except ApplicationError as error:
            return self.render_to_response(self.get_context_data(error=error.message), status=400)
        messages.success(
            request,
            ngettext(
                "%(count)s guardian was invited by email.",
                "%(count)s guardians were invited by email.",
                result.invited,
            )
            % {"count": result.invited},
        )
        if result.unreachable:
            messages.info(
                request,
                ngettext(
                    "%(count)s family cannot be written to and was not invited.",
                    "%(count)s families cannot be written to and were not invited.",
                    result.unreachable,
                )
                % {"count": result.unreachable},
            )
        return redirect(activity_url(self.organisation, activity))


class GuardianLinksView(FamilyPage):
    permission = "guardian_links.manage"
    template_name = "families/guardian_links.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        cohort = cohort_get(
            organisation=self.organisation,
            membership=self.membership,
            cohort_id=self.kwargs["cohort_id"],
        )
        context.update(cohort=cohort, rows=self.rows(cohort))
        return context


def _back(view: OrgTemplateView, participant_id: int) -> HttpResponse:
    """Back to the cohort's guardians' links, or to the young person's page (its panel)."""
    slug = view.organisation.slug
    cohort_id = parse_id(view.request.POST.get("cohort", ""))
    if cohort_id is not None:
        return redirect("guardian_links", org_slug=slug, cohort_id=cohort_id)
    return redirect("participant_detail", org_slug=slug, participant_id=participant_id)


class GuardianLinkSendView(OrgTemplateView):
    """POST-only: a new link for the guardian of a participant, by email. A visit goes to the
    families page (after the same lookup, so that another organisation's id is a 404)."""

    permission = "guardian_links.manage"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.get_org_object(Participant, kwargs["participant_id"])
        return redirect("family_activity_list", org_slug=self.organisation.slug)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        participant = self.get_org_object(Participant, kwargs["participant_id"])
        try:
            services.guardian_link_send(
                organisation=self.organisation, participant=participant, actor=request.user
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("A link was sent to the guardian of %(name)s.")
                % {"name": participant.display_name},
            )
        return _back(self, participant.pk)


class GuardianLinkRevokeView(OrgTemplateView):
    """POST-only: stops a guardian's link at once."""

    permission = "guardian_links.manage"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.get_org_object(GuardianLink, kwargs["guardian_link_id"])
        return redirect("family_activity_list", org_slug=self.organisation.slug)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        link = self.get_org_object(GuardianLink, kwargs["guardian_link_id"])
        services.guardian_link_revoke(organisation=self.organisation, link=link, actor=request.user)
        messages.success(request, _("The link no longer works."))
        return _back(self, link.participant_id)


# The guardian's side -------------------------------------------------------------------------


def _client_address(request: HttpRequest) -> str:
    from allauth.account.adapter import get_adapter

    return str(get_adapter(request).get_client_ip(request))


def _failure_key(request: HttpRequest) -> str:
    window = int(timezone.now().timestamp()) // settings.COCORA_GUARDIAN_LINK_WINDOW_SECONDS
    return f"families:link-failures:{_client_address(request)}:{window}"


def _private(response: HttpResponse, *, referrer: str = "no-referrer") -> HttpResponse:
    """A guardian's page is nobody else's: not cached, not indexed, and the address (which
    holds the secret) never sent on to another site."""
    add_never_cache_headers(response)
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.setdefault("Referrer-Policy", referrer)
    return response


# The page with the withdrawal form: under "no-referrer" a browser sends `Origin: null` with
# the form, which the CSRF check rightly refuses. "same-origin" sends the address to this site
# only: another site still learns nothing.
FORM_REFERRER_POLICY = "same-origin"


class GuardianView(View):
    """Resolves the organisation and the link, inside the organisation's transaction and in
    the family's language; no sign-in. A secret that does not exist, or another organisation's,
    is a 404; too many of those from one address within the window are a 429."""

    organisation: Organisation
    link: GuardianLink
    language: str

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if cache.get(_failure_key(request), 0) >= settings.COCORA_GUARDIAN_LINK_FAILURES:
            return _private(render(request, "families/public/too_many.html", {}, status=429))
        organisation = organisation_get_by_slug(slug=kwargs["org_slug"])
        if organisation is None:
            self._count_failure(request)
            raise Http404
        self.organisation = organisation
        with transaction.atomic():
            set_db_context(organisation_id=organisation.pk, user_id=None)
            link = link_by_secret(organisation=organisation, secret=kwargs["guardian_token"])
            if link is None:
                self._count_failure(request)
                raise Http404
            self.link = link
            self.language = self._language(request)
            with translation.override(self.language), timezone.override(organisation.time_zone):
                return _private(super().dispatch(request, *args, **kwargs))  # type: ignore[arg-type]

    def _count_failure(self, request: HttpRequest) -> None:
        key = _failure_key(request)
        cache.add(key, 0, timeout=settings.COCORA_GUARDIAN_LINK_WINDOW_SECONDS)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=settings.COCORA_GUARDIAN_LINK_WINDOW_SECONDS)

    def _language(self, request: HttpRequest) -> str:
        available = {code for code, _name in settings.LANGUAGES}
        chosen = request.GET.get("lang") or request.POST.get("lang") or ""
        if chosen in available:
            return chosen
        return guardian_language(self.link.participant, organisation=self.organisation)

    def context(self, **extra: Any) -> dict[str, Any]:
        return {
            "organisation": self.organisation,
            "current_organisation": self.organisation,
            "participant": self.link.participant,
            "token": self.kwargs["guardian_token"],
            "language": self.language,
            "languages": settings.LANGUAGES,
            "problem": services.link_problem(link=self.link),
            **extra,
        }

    def page_url(self, **query: str) -> str:
        url = reverse(
            "guardian_page",
            kwargs={
                "org_slug": self.organisation.slug,
                "guardian_token": self.kwargs["guardian_token"],
            },
        )
        params = "&".join(f"{k}={v}" for k, v in {"lang": self.language, **query}.items())
        return f"{url}?{params}"


class GuardianPageView(GuardianView):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        context = self.context(withdrawn=request.GET.get("withdrawn") == "1")
        if not context["problem"]:
            services.guardian_link_open(organisation=self.organisation, link=self.link)
            context["page"] = guardian_page(
                organisation=self.organisation, link=self.link, now=timezone.now()
            )
        return render(request, "families/public/page.html", context)


class GuardianWithdrawView(GuardianView):
    """A confirmation (GET), then the withdrawal (POST, with the CSRF token)."""

    def _consent(self) -> Consent:
        page = guardian_page(organisation=self.organisation, link=self.link, now=timezone.now())
        consent = next((c for c in page.consents if c.pk == self.kwargs["consent_id"]), None)
        if consent is None:
            raise Http404
        return consent

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        context = self.context()
        if not context["problem"]:
            context["consent"] = self._consent()
        response = render(request, "families/public/withdraw.html", context)
        return _private(response, referrer=FORM_REFERRER_POLICY)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        consent = self._consent()
        try:
            services.guardian_consent_withdraw(
                organisation=self.organisation, link=self.link, consent_id=consent.pk
            )
        except ApplicationError as error:
            context = self.context(consent=consent, error=error.message)
            response = render(request, "families/public/withdraw.html", context, status=400)
            return _private(response, referrer=FORM_REFERRER_POLICY)
        return redirect(self.page_url(withdrawn="1"))
