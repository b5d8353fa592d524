"""Partners' proposals: a partner contact proposes activities, follow-ups and changes to the
curriculum and follows what became of them; coordinators accept (as written or edited) or
decline with a reason; both sides comment in the proposal's thread."""

from functools import cached_property
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from cocora.core.errors import ApplicationError
from cocora.core.forms import add_application_error
from cocora.core.ids import parse_id
from cocora.core.paging import page_of
from cocora.organisations.permissions import can
from cocora.organisations.views_base import OrgTemplateView
from programmes.models import Activity, Module, Programme

from ..forms import (
    AcceptActivityForm,
    AcceptCurriculumForm,
    AcceptFollowUpForm,
    DeclineForm,
    ProposalActivityForm,
    ProposalCommentForm,
    ProposalCurriculumForm,
    ProposalFollowUpForm,
)
from ..models import Proposal, ProposalKind, ProposalStatus
from ..selectors.collaboration import (
    FOLLOW_UP_CHOICES,
    FollowUpChoices,
    activities_to_follow_up,
)
from ..selectors.proposals import (
    curriculum_to_propose_on,
    partnership_for,
    proposal_comment_position,
    proposal_comment_queryset,
    proposal_get_visible,
    proposal_visible_queryset,
)
from ..services import proposals as services


def _current_programmes(organisation: Any) -> list[Programme]:
    return list(
        Programme.objects.for_org(organisation).filter(archived_at__isnull=True).order_by("title")
    )


def _current_programme(organisation: Any, programme_id: int | None) -> Programme | None:
    """The current programme a form's choice names, or None."""
    return next((p for p in _current_programmes(organisation) if p.pk == programme_id), None)


class ProposalListView(OrgTemplateView):
    permission = "proposals.view"
    template_name = "partners/proposals/list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        status = self.request.GET.get("status", "")
        status = status if status in ProposalStatus.values else ""
        proposals = proposal_visible_queryset(
            organisation=self.organisation, membership=self.membership, status=status
        )
        context["paged"] = page_of(self.request, proposals)
        context["status"] = status
        context["statuses"] = ProposalStatus.choices
        context["can_propose"] = can(self.membership, "proposals.propose")
        if context["can_propose"]:
            context["partnership"] = partnership_for(
                organisation=self.organisation, user=self.request.user
            )
        return context


class ProposeView(OrgTemplateView):
    """The base of the partner's forms: their partnership, and the form posted to a service."""

    permission = "proposals.propose"
    template_name = "partners/proposals/form.html"
    heading = ""

    def partnership(self) -> Any:
        partnership = self._partnership
        if partnership.contact is None:
            # A partner member whom nobody linked to a contact yet has nothing to propose for.
            raise Http404
        return partnership

    @cached_property
    def _partnership(self) -> Any:
        # Read once a request: the form and its choices both ask.
        return partnership_for(organisation=self.organisation, user=self.request.user)

    def make_form(self, data: Any = None) -> Any:
        raise NotImplementedError

    def service_fields(self, form: Any) -> dict[str, Any]:
        return dict(form.cleaned_data)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["partnership"] = self.partnership()
        context["form"] = kwargs.get("form") or self.make_form()
        context["heading"] = self.heading
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.partnership()
        form = self.make_form(request.POST)
        if form.is_valid():
            try:
                proposal = services.proposal_create(
                    organisation=self.organisation,
                    actor=request.user,
                    **self.service_fields(form),
                )
            except ApplicationError as error:
                add_application_error(form, error)
            else:
                messages.success(
                    request,
                    _("Your proposal “%(title)s” was sent. You will see the decision here.")
                    % {"title": proposal.title},
                )
                return redirect(
                    "proposal_detail", org_slug=self.organisation.slug, proposal_id=proposal.pk
                )
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ProposeActivityView(ProposeView):
    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        self.heading = _("Propose a collaboration activity")
        return super().get_context_data(**kwargs)

    def make_form(self, data: Any = None) -> Any:
        # Programme titles are programme materials: offered only where the agreement shares them.
        materials = self.partnership().materials
        programmes = _current_programmes(self.organisation) if materials else []
        return ProposalActivityForm(data, programmes=programmes)

    def service_fields(self, form: Any) -> dict[str, Any]:
        data = dict(form.cleaned_data)
        data["programme"] = _current_programme(self.organisation, data["programme"])
        return {"kind": ProposalKind.ACTIVITY, **data}


class ProposeFollowUpView(ProposeView):
    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        self.heading = _("Propose a follow-up")
        return super().get_context_data(**kwargs)

    @cached_property
    def choices(self) -> FollowUpChoices:
        """The partner's latest activities, and the one the portal's link (`?activity=`) or
        the posted form names, if it is theirs."""
        named = (
            self.request.POST.get("follow_up_of")
            if self.request.method == "POST"
            else self.request.GET.get("activity")
        )
        return activities_to_follow_up(
            organisation=self.organisation,
            partner=self.partnership().contact.partner,
            chosen_id=parse_id(named),
        )

    def make_form(self, data: Any = None) -> Any:
        initial = {"follow_up_of": self.request.GET.get("activity")}
        choices = self.choices
        return ProposalFollowUpForm(
            data,
            activities=choices.activities,
            older=FOLLOW_UP_CHOICES if choices.more else None,
            initial=initial,
        )

    def service_fields(self, form: Any) -> dict[str, Any]:
        data = dict(form.cleaned_data)
        activity_id = data.pop("follow_up_of")
        data["follow_up_of"] = next(
            (a for a in self.choices.activities if a.pk == activity_id), None
        )
        return {"kind": ProposalKind.FOLLOW_UP, **data}


class CurriculumPickView(OrgTemplateView):
    """The curriculum a partner may propose changes on, when the agreement shares it."""

    permission = "proposals.propose"
    template_name = "partners/proposals/curriculum.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        partnership = partnership_for(organisation=self.organisation, user=self.request.user)
        context["partnership"] = partnership
        context["programmes"] = (
            curriculum_to_propose_on(organisation=self.organisation)
            if partnership.materials
            else []
        )
        return context


class ProposeCurriculumView(ProposeView):
    """A suggestion on one module or activity, starting from its current title and text."""

    # The object is looked up before the role is checked, so that another organisation's id is
    # a 404 for every member, as on every page with an id.
    permission = "proposals.view"
    target_model: type[Module] | type[Activity] = Module

    def target(self) -> Any:
        target = self.get_org_object(self.target_model, self.kwargs[self.target_kwarg])
        if not can(self.membership, "proposals.propose"):
            raise PermissionDenied
        partnership = self.partnership()
        if not partnership.materials:
            # The curriculum is not shared with this partner: its text is not shown.
            raise Http404
        return target

    target_kwarg = "module_id"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        target = self.target()
        self.heading = _("Suggest a change to “%(title)s”") % {"title": target.title}
        context = super().get_context_data(**kwargs)
        context["target"] = target
        context["current_text"] = self.current_text(target)
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.target()
        return super().post(request, *args, **kwargs)

    def current_text(self, target: Any) -> str:
        return str(target.content_md)

    def make_form(self, data: Any = None) -> Any:
        target = self.target()
        return ProposalCurriculumForm(
            data, initial={"title": target.title, "text": self.current_text(target)}
        )

    def service_fields(self, form: Any) -> dict[str, Any]:
        return {"kind": ProposalKind.CURRICULUM, "module": self.target(), **form.cleaned_data}


class ProposeActivityChangeView(ProposeCurriculumView):
    target_model = Activity
    target_kwarg = "activity_id"

    def current_text(self, target: Any) -> str:
        return str(target.instructions_md)

    def service_fields(self, form: Any) -> dict[str, Any]:
        return {
            "kind": ProposalKind.CURRICULUM,
            "curriculum_activity": self.target(),
            **form.cleaned_data,
        }


ACCEPT_FORMS = {
    ProposalKind.ACTIVITY: AcceptActivityForm,
    ProposalKind.FOLLOW_UP: AcceptFollowUpForm,
    ProposalKind.CURRICULUM: AcceptCurriculumForm,
}


class ProposalDetailView(OrgTemplateView):
    permission = "proposals.view"
    template_name = "partners/proposals/detail.html"
    # The thread is paged oldest first, as a conversation reads.
    comments_page_size = 50

    def proposal(self) -> Proposal:
        proposal = proposal_get_visible(
            organisation=self.organisation,
            membership=self.membership,
            proposal_id=self.kwargs["proposal_id"],
        )
        if proposal is None:
            raise Http404
        return proposal

    def accept_form(self, proposal: Proposal, data: Any = None) -> Any:
        form_class = ACCEPT_FORMS[ProposalKind(proposal.kind)]
        initial = {
            "title": proposal.title,
            "text": proposal.text,
            "collaboration_kind": proposal.collaboration_kind,
            "held_at": proposal.held_at,
            "place": proposal.place,
            "programme": proposal.programme_id,
            "due_on": proposal.due_on,
        }
        options = (
            {"programmes": _current_programmes(self.organisation)}
            if proposal.kind == ProposalKind.ACTIVITY
            else {}
        )
        return form_class(data, initial=initial, prefix="accept", **options)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        proposal = self.proposal()
        context["proposal"] = proposal
        # The proposal was read with its number of comments: the thread's count costs nothing.
        context["comments"] = page_of(
            self.request,
            proposal_comment_queryset(organisation=self.organisation, proposal=proposal),
            per_page=self.comments_page_size,
            count=proposal.comment_count,  # type: ignore[attr-defined]
        )
        context["comment_form"] = kwargs.get("comment_form") or ProposalCommentForm(
            prefix="comment"
        )
        context["can_comment"] = can(self.membership, "proposals.comment")
        context["can_decide"] = can(self.membership, "proposals.decide") and proposal.is_open
        if context["can_decide"]:
            context["accept_form"] = kwargs.get("accept_form") or self.accept_form(proposal)
            context["decline_form"] = kwargs.get("decline_form") or DeclineForm(prefix="decline")
        # The curriculum's current text, beside a suggestion: for staff, and for the partner
        # only while the agreement shares the programmes' materials.
        shows_curriculum = can(self.membership, "proposals.decide") or (
            partnership_for(organisation=self.organisation, user=self.request.user).materials
        )
        context["shows_curriculum"] = shows_curriculum
        context["can_open_activity"] = can(self.membership, "collaboration.view")
        return context

    def back(self, proposal: Proposal) -> HttpResponse:
        return redirect("proposal_detail", org_slug=self.organisation.slug, proposal_id=proposal.pk)


class ProposalCommentView(ProposalDetailView):
    permission = "proposals.comment"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        proposal = self.proposal()
        form = ProposalCommentForm(request.POST, prefix="comment")
        if form.is_valid():
            try:
                comment = services.proposal_comment_add(
                    organisation=self.organisation,
                    proposal=proposal,
                    actor=request.user,
                    text=form.cleaned_data["text"],
                )
            except ApplicationError as error:
                add_application_error(form, error)
            else:
                messages.success(request, _("Your comment was added."))
                return redirect(self.comment_url(proposal, comment))
        return self.render_to_response(self.get_context_data(comment_form=form), status=400)

    def comment_url(self, proposal: Proposal, comment: Any) -> str:
        """The proposal's page that shows `comment` (the last one, unless others wrote in the
        meantime), at the comment."""
        position = proposal_comment_position(organisation=self.organisation, comment=comment)
        page = (position - 1) // self.comments_page_size + 1
        url = reverse(
            "proposal_detail",
            kwargs={"org_slug": self.organisation.slug, "proposal_id": proposal.pk},
        )
        return f"{url}{f'?page={page}' if page > 1 else ''}#comment-{comment.pk}"


class DecisionView(ProposalDetailView):
    """The POST of a decision: the form, then the service; a decision someone made first is
    shown instead of the form's errors."""

    permission = "proposals.decide"
    form_key = ""

    def make_form(self, proposal: Proposal, data: Any) -> Any:
        raise NotImplementedError

    def decide(self, proposal: Proposal, data: dict[str, Any]) -> str:
        """Calls the service; answers the success message."""
        raise NotImplementedError

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        proposal = self.proposal()
        form = self.make_form(proposal, request.POST)
        if form.is_valid():
            try:
                message = self.decide(proposal, dict(form.cleaned_data))
            except ApplicationError as error:
                if error.code == "decided":
                    # Someone decided first: the page now shows their decision.
                    messages.error(request, error.message)
                    return self.back(proposal)
                add_application_error(form, error)
            else:
                messages.success(request, message)
                return self.back(proposal)
        return self.render_to_response(self.get_context_data(**{self.form_key: form}), status=400)


class ProposalAcceptView(DecisionView):
    form_key = "accept_form"

    def make_form(self, proposal: Proposal, data: Any) -> Any:
        return self.accept_form(proposal, data)

    def decide(self, proposal: Proposal, data: dict[str, Any]) -> str:
        note = data.pop("note", "")
        if "programme" in data:
            data["programme"] = _current_programme(self.organisation, data["programme"])
        services.proposal_accept(
            organisation=self.organisation,
            proposal=proposal,
            actor=self.request.user,
            changes=data,
            note=note,
        )
        return _("The proposal “%(title)s” was accepted.") % {"title": proposal.title}


class ProposalDeclineView(DecisionView):
    form_key = "decline_form"

    def make_form(self, proposal: Proposal, data: Any) -> Any:
        return DeclineForm(data, prefix="decline")

    def decide(self, proposal: Proposal, data: dict[str, Any]) -> str:
        services.proposal_decline(
            organisation=self.organisation,
            proposal=proposal,
            actor=self.request.user,
            reason=data["reason"],
        )
        return _("The proposal “%(title)s” was declined.") % {"title": proposal.title}
