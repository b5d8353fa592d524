"""The page where a person manages their own API tokens for one organisation."""

from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from cocora.core.errors import ApplicationError
from cocora.core.forms import StyledFormMixin, add_application_error
from cocora.core.paging import page_of
from cocora.organisations.models import Membership
from cocora.organisations.views_base import OrgTemplateView

from .models import ApiToken
from .selectors import api_token_active, api_token_list
from .services import api_token_create, api_token_revoke, api_tokens_revoke_for_member

EXPIRY_CHOICES = [
    ("30", gettext_lazy("In 30 days")),
    ("90", gettext_lazy("In 90 days")),
    ("365", gettext_lazy("In a year")),
    ("never", gettext_lazy("Never (revoke it yourself)")),
]


class TokenForm(StyledFormMixin, forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("What the token is for, e.g. “monthly report to the council”."),
    )
    expires = forms.ChoiceField(label=gettext_lazy("Expires"), choices=EXPIRY_CHOICES, initial="90")
    read_only = forms.BooleanField(
        label=gettext_lazy("Read only: the token may read, never change anything"),
        required=False,
    )


class ApiTokenListView(OrgTemplateView):
    """One's own tokens, the newest first, paged with a count: revoked and expired tokens stay
    listed, so the list grows with the years even though only 20 may work at once."""

    permission = "api_tokens.own"
    template_name = "api/tokens.html"
    page_size = 50

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        tokens = api_token_list(organisation=self.organisation, user=self.request.user)  # type: ignore[arg-type]
        context["tokens"] = page_of(self.request, tokens, per_page=self.page_size)
        context["form"] = kwargs.get("form") or TokenForm()
        context["now"] = timezone.now()
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = TokenForm(request.POST)
        if form.is_valid():
            days = form.cleaned_data["expires"]
            expires_at = None if days == "never" else timezone.now() + timedelta(days=int(days))
            try:
                token, raw = api_token_create(
                    organisation=self.organisation,
                    user=request.user,  # type: ignore[arg-type]
                    name=form.cleaned_data["name"],
                    read_only=form.cleaned_data["read_only"],
                    expires_at=expires_at,
                )
            except ApplicationError as error:
                add_application_error(form, error)
            else:
                # Shown on this answer only: the token is not stored anywhere we could read.
                return self.render_to_response(
                    self.get_context_data(new_token=token, new_raw=raw), status=201
                )
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ApiTokenRevokeView(OrgTemplateView):
    permission = "api_tokens.own"
    template_name = "api/token_revoke.html"

    def _token(self) -> ApiToken:
        # One's own tokens only: someone else's id is a 404, like another organisation's.
        return self.get_org_object(ApiToken, self.kwargs["token_id"], user=self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["token"] = self._token()
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        token = api_token_revoke(token=self._token(), actor=request.user)  # type: ignore[arg-type]
        messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
        return redirect("api_token_list", org_slug=self.organisation.slug)


class MemberApiTokensView(OrgTemplateView):
    """An admin's view of one member's working tokens, with one button to stop them all. The
    tokens themselves are never shown: only names, beginnings, limits and last use."""

    permission = "members.manage"
    template_name = "api/member_tokens.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        target = self.get_org_object(Membership, self.kwargs["membership_id"])
        context["target"] = target
        context["tokens"] = (
            api_token_active(organisation=self.organisation)
            .filter(user_id=target.user_id)
            .order_by("-created_at")
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        target = self.get_org_object(Membership, kwargs["membership_id"])
        count = api_tokens_revoke_for_member(
            organisation=self.organisation,
            user=target.user,
            actor=request.user,  # type: ignore[arg-type]
        )
        messages.success(
            request,
            ngettext(
                "%(count)d API token of %(name)s was revoked.",
                "%(count)d API tokens of %(name)s were revoked.",
                count,
            )
            % {"count": count, "name": target.user},
        )
        return redirect("member_list", org_slug=self.organisation.slug)
