from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from cocora.api.selectors import api_token_counts
from cocora.core.errors import ApplicationError
from cocora.core.forms import add_application_error

from . import home_registry, page_cache, services
from .forms import AcceptWithNewAccountForm, InvitationForm, RoleForm
from .models import Invitation, Membership
from .permissions import can
from .selectors import invitation_list_open, membership_list, membership_list_for_user
from .views_base import OrgTemplateView


class HomeView(TemplateView):
    """The start page after sign-in: straight to the only organisation, or a choice."""

    template_name = "organisations/choose.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect("account_login")
        memberships = membership_list_for_user(user=request.user)  # type: ignore[arg-type]
        if len(memberships) == 1:
            return redirect("org_home", org_slug=memberships[0].organisation.slug)
        return render(request, self.template_name, {"memberships": memberships})


class OrgHomeView(OrgTemplateView):
    template_name = "organisations/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_manage_members"] = can(self.membership, "members.manage")
        context["panels"] = self.panels()
        return context

    def panels(self) -> list[str]:
        """The panels read the whole organisation; each is kept until its data changes (and for
        at most five minutes), per member, role and form token (a panel may hold a form). Each
        is kept on its own, so that one that cannot be kept (the retention panel reads the
        audit trail, whose lines move no version) is the only one rendered again."""
        stamp = page_cache.stamp(self.request, self.organisation)
        parts = page_cache.member_parts(self.request, self.membership)
        rendered = (
            page_cache.kept(
                f"home-panel:{panel.__module__}.{panel.__qualname__}",
                stamp=stamp,
                parts=parts,
                render=partial(self.render_panel, panel),
            )
            for panel in home_registry.panels
        )
        return [html for html in rendered if html]

    def render_panel(self, panel: home_registry.Panel) -> str:
        # "" for a panel that does not apply, so that its absence is kept too.
        html = panel(
            request=self.request, organisation=self.organisation, membership=self.membership
        )
        return html or ""


class MemberListView(OrgTemplateView):
    permission = "members.view"
    template_name = "organisations/members.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # Three queries whatever the number of members: memberships with users, their working
        # API tokens counted, open invitations.
        memberships = list(membership_list(organisation=self.organisation))
        token_counts = api_token_counts(organisation=self.organisation)
        for membership in memberships:
            membership.api_token_count = token_counts.get(membership.user_id, 0)  # type: ignore[attr-defined]
        context["memberships"] = memberships
        context["invitations"] = list(invitation_list_open(organisation=self.organisation))
        context["invitation_form"] = kwargs.get("invitation_form") or InvitationForm()
        context["role_choices"] = RoleForm.base_fields["role"].choices  # type: ignore[attr-defined]
        return context


class InvitationCreateView(MemberListView):
    permission = "members.manage"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = InvitationForm(request.POST)
        if form.is_valid():
            try:
                invitation = services.invitation_create(
                    organisation=self.organisation,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    invited_by=request.user,  # type: ignore[arg-type]
                )
            except ApplicationError as error:
                add_application_error(form, error)
            else:
                messages.success(
                    request,
                    _("An invitation is on its way to %(email)s.") % {"email": invitation.email},
                )
                return redirect("member_list", org_slug=self.organisation.slug)
        return self.render_to_response(self.get_context_data(invitation_form=form), status=400)


class MembershipRoleView(OrgTemplateView):
    permission = "members.manage"
    template_name = "organisations/membership_role.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        target = self.get_org_object(Membership, self.kwargs["membership_id"])
        context["target"] = target
        context["form"] = kwargs.get("form") or RoleForm(initial={"role": target.role})
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        target = self.get_org_object(Membership, kwargs["membership_id"])
        form = RoleForm(request.POST)
        if form.is_valid():
            try:
                services.membership_change_role(
                    organisation=self.organisation,
                    membership_id=target.pk,
                    role=form.cleaned_data["role"],
                    actor=request.user,  # type: ignore[arg-type]
                )
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _("%(name)s is now: %(role)s.")
                    % {
                        "name": target.user,
                        "role": Membership(role=form.cleaned_data["role"]).get_role_display(),
                    },
                )
                return redirect("member_list", org_slug=self.organisation.slug)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class MembershipRemoveView(OrgTemplateView):
    permission = "members.manage"
    template_name = "organisations/membership_remove.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["target"] = self.get_org_object(Membership, self.kwargs["membership_id"])
        context["error"] = kwargs.get("error")
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        target = self.get_org_object(Membership, kwargs["membership_id"])
        try:
            services.membership_remove(
                organisation=self.organisation,
                membership_id=target.pk,
                actor=request.user,  # type: ignore[arg-type]
            )
        except ApplicationError as error:
            return self.render_to_response(self.get_context_data(error=error.message), status=400)
        messages.success(
            request, _("%(name)s was removed from the organisation.") % {"name": target.user}
        )
        if target.user_id == request.user.pk:
            return redirect("home")
        return redirect("member_list", org_slug=self.organisation.slug)


class InvitationRevokeView(OrgTemplateView):
    permission = "members.manage"
    template_name = "organisations/invitation_revoke.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["invitation"] = self.get_org_object(Invitation, self.kwargs["invitation_id"])
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        invitation = self.get_org_object(Invitation, kwargs["invitation_id"])
        try:
            services.invitation_revoke(
                organisation=self.organisation,
                invitation_id=invitation.pk,
                actor=request.user,  # type: ignore[arg-type]
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("The invitation to %(email)s was withdrawn.") % {"email": invitation.email},
            )
        return redirect("member_list", org_slug=self.organisation.slug)


class InvitationAcceptView(View):
    """The page behind an invitation link. It explains every way the link can fail."""

    template_name = "organisations/invitation_accept.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            self.open_invitation = services.invitation_from_token(token=kwargs["token"])
        except ApplicationError as error:
            _record_refused_invitation(request, reason=error.code)
            return render(
                request,
                "organisations/invitation_invalid.html",
                {"reason": error.message},
                status=410 if error.code == "gone" else 400,
            )
        return super().dispatch(request, *args, **kwargs)

    def _context(self, **extra: Any) -> dict[str, Any]:
        from cocora.accounts.models import User

        invitation = self.open_invitation.invitation
        return {
            "invitation": invitation,
            "organisation": self.open_invitation.organisation,
            "account_exists": User.objects.filter(email__iexact=invitation.email).exists(),
            "login_url": reverse("account_login") + "?next=" + self.request.path,
            **extra,
        }

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        email = self.open_invitation.invitation.email
        return render(
            request,
            self.template_name,
            self._context(form=AcceptWithNewAccountForm(email=email)),
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        token = kwargs["token"]
        invitation = self.open_invitation.invitation
        if request.user.is_authenticated:
            try:
                membership = services.invitation_accept(token=token, user=request.user)  # type: ignore[arg-type]
            except ApplicationError as error:
                return render(
                    request, self.template_name, self._context(error=error.message), status=400
                )
        else:
            form = AcceptWithNewAccountForm(request.POST, email=invitation.email)
            if not form.is_valid():
                return render(request, self.template_name, self._context(form=form), status=400)
            try:
                membership = services.invitation_accept_with_new_account(
                    token=token,
                    name=form.cleaned_data["name"],
                    password=form.cleaned_data["password1"],
                )
            except ApplicationError as error:
                form.add_error(None, error.message)
                return render(request, self.template_name, self._context(form=form), status=400)
            login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request,
            _("Welcome to %(organisation)s.") % {"organisation": membership.organisation.name},
        )
        return redirect("org_home", org_slug=membership.organisation.slug)


def _record_refused_invitation(request: HttpRequest, *, reason: str) -> None:
    """A tampered, expired or used invitation link leaves a security event (tampered links
    cannot be tied to an organisation, so this is the platform-wide log)."""
    from cocora.audit.models import SignInEvent

    SignInEvent.objects.create(
        kind=SignInEvent.Kind.INVITATION_REFUSED,
        user=request.user if request.user.is_authenticated else None,
        login=reason,
        ip_address=request.META.get("REMOTE_ADDR") or None,
    )
