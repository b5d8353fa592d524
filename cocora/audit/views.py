from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.utils.translation import gettext_lazy as _

from cocora.core.forms import PlausibleDateField, StyledFormMixin
from cocora.organisations.models import Membership
from cocora.organisations.views_base import OrgTemplateView

from .labels import action_group_label
from .selectors import audit_action_prefixes, audit_event_list


class AuditFilterForm(StyledFormMixin, forms.Form):
    actor = forms.TypedChoiceField(label=_("Who"), coerce=int, empty_value=None, required=False)
    action = forms.ChoiceField(label=_("What"), required=False)
    since = PlausibleDateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = PlausibleDateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class AuditLogView(OrgTemplateView):
    """The organisation's audit trail for admins: who did or saw what, and when."""

    permission = "audit.view"
    template_name = "audit/log.html"
    page_size = 50

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        members = (
            Membership.objects.for_org(self.organisation)
            .select_related("user")
            .order_by("user__name")
        )
        form = AuditFilterForm(self.request.GET or None)
        actor_field: Any = form.fields["actor"]
        action_field: Any = form.fields["action"]
        actor_field.choices = [
            ("", _("Anyone")),
            *[(m.user_id, str(m.user)) for m in members],
        ]
        action_field.choices = [
            ("", _("Anything")),
            *[
                (a, action_group_label(a))
                for a in audit_action_prefixes(organisation=self.organisation)
            ],
        ]
        filters: dict[str, Any] = {}
        if form.is_valid():
            filters = {
                "actor_id": form.cleaned_data["actor"],
                "action": form.cleaned_data["action"],
                "since": form.cleaned_data["since"],
                "until": form.cleaned_data["until"],
            }
        events = audit_event_list(organisation=self.organisation, **filters)
        page = Paginator(events, self.page_size).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(form=form, page=page, query=query.urlencode())
        return context
