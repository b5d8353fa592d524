from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cocora.core.forms import PlausibleDateField, StyledFormMixin
from cocora.core.paging import page_of
from cocora.organisations.models import Membership
from cocora.organisations.views_base import OrgTemplateView

from .labels import GROUP_LABELS
from .selectors import audit_event_list

# The trail only grows: beyond this many lines the page says "more than" and asks for filters
# rather than counting (and offsetting into) hundreds of thousands of rows.
COUNT_CAP = 10_000


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
        # A fixed list (every action code has a group, tests/test_audit.py checks it): reading
        # the distinct actions recorded so far meant reading the whole trail.
        action_field.choices = [
            ("", _("Anything")),
            *sorted(((key, str(label)) for key, label in GROUP_LABELS.items()), key=lambda c: c[1]),
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
        paged = page_of(self.request, events, per_page=self.page_size, cap=COUNT_CAP)
        context.update(form=form, paged=paged)
        return context
