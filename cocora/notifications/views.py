from typing import Any

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from cocora.core.errors import ApplicationError
from cocora.core.forms import StyledFormMixin
from cocora.core.paging import page_of
from cocora.organisations.views_base import OrgTemplateView, OrgViewMixin

from . import inbox, services
from .kinds import notification_message
from .models import DeliveryStatus, Notification, RecipientKind
from .registry import kind_labels
from .selectors import (
    delivery_list,
    delivery_status_counts,
    failing_address_list,
    notification_get,
    notification_list,
)

# Deliveries only grow: past this many the page asks for filters rather than counting them all.
COUNT_CAP = 10_000


class DeliveryFilterForm(StyledFormMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any")), *DeliveryStatus.choices]
    )
    kind = forms.ChoiceField(label=_("Reminder"), required=False)
    recipient_kind = forms.ChoiceField(
        label=_("Recipient"), required=False, choices=[("", _("Anyone")), *RecipientKind.choices]
    )


class DeliveryListView(OrgTemplateView):
    """The organisation's email delivery log for admins: what was sent, skipped or failed, and
    the addresses that mail servers refused."""

    permission = "deliveries.view"
    template_name = "notifications/delivery_list.html"
    page_size = 50

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        labels = kind_labels()
        form = DeliveryFilterForm(self.request.GET or None)
        kind_field: Any = form.fields["kind"]
        kind_field.choices = [
            ("", _("Any")),
            # The registered kinds, not the distinct kinds sent so far (a read of every row).
            *sorted(labels.items(), key=lambda item: str(item[1])),
        ]
        filters: dict[str, str] = {}
        if form.is_valid():
            filters = {k: form.cleaned_data[k] for k in ("status", "kind", "recipient_kind")}
        deliveries = delivery_list(organisation=self.organisation, **filters)
        paged = page_of(self.request, deliveries, per_page=self.page_size, cap=COUNT_CAP)
        for delivery in paged.items:
            delivery.kind_label = labels.get(delivery.kind, delivery.kind)  # type: ignore[attr-defined]
        counts = delivery_status_counts(organisation=self.organisation)
        context.update(
            form=form,
            paged=paged,
            counts=[(label, counts.get(value, 0)) for value, label in DeliveryStatus.choices],
            failing=list(failing_address_list(organisation=self.organisation)[:100]),
        )
        return context


@method_decorator(csrf_exempt, name="dispatch")
class UnsubscribeView(View):
    """The page behind an email's unsubscribe link. GET asks for a confirmation (mail scanners
    follow links, they must not unsubscribe anyone); POST unsubscribes. POST is also what mail
    programs send for one-click unsubscribe (RFC 8058), without a CSRF token: the signed token
    in the link is the credential, and the only thing it can do is stop reminders."""

    def _answer(self, request: HttpRequest, token: str, *, confirm: bool) -> HttpResponse:
        with transaction.atomic():
            try:
                if confirm:
                    target = services.unsubscribe_confirm(token=token)
                else:
                    target = services.unsubscribe_lookup(token=token)
            except ApplicationError as error:
                return render(
                    request,
                    "notifications/unsubscribe_invalid.html",
                    {"reason": error.message},
                    status=410 if error.code == "gone" else 400,
                )
            with translation.override(target.delivery.language):
                return render(
                    request,
                    "notifications/unsubscribe.html",
                    {
                        "target": target,
                        "organisation": target.organisation,
                        "kind_label": target.kind_label,
                    },
                )

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        return self._answer(request, token, confirm=False)

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        return self._answer(request, token, confirm=True)


class NotificationListView(OrgTemplateView):
    """A coordinator's (or admin's) notifications, newest first: what happened and a link to
    where it is read. Each can be opened (and so marked read) or marked read; all at once too."""

    permission = "notifications.view"
    template_name = "notifications/notification_list.html"
    page_size = 30

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        paged = page_of(
            self.request,
            notification_list(organisation=self.organisation, user=self.request.user),
            per_page=self.page_size,
        )
        for notification in paged.items:
            notification.message = notification_message(notification)  # type: ignore[attr-defined]
        context.update(paged=paged, unread=getattr(self.membership, "unread_notifications", 0))
        return context


class NotificationReadView(OrgViewMixin, View):
    """POST: marks one notification read; with `open`, goes on to the page it links to. GET
    changes nothing: it finds the notification (a 404 for anyone else's) and goes back to the
    list."""

    permission = "notifications.view"

    def _notification(self) -> Notification:
        return notification_get(
            organisation=self.organisation,
            user=self.request.user,
            notification_id=self.kwargs["notification_id"],
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self._notification()
        return redirect("notification_list", org_slug=self.organisation.slug)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        notification = self._notification()
        inbox.notification_mark_read(
            organisation=self.organisation, user=request.user, notification=notification
        )
        link = notification.link
        # Only a path inside this site: the link was written by our own services.
        if request.POST.get("open") and link.startswith("/") and not link.startswith("//"):
            return redirect(link)
        return redirect("notification_list", org_slug=self.organisation.slug)


class NotificationReadAllView(OrgViewMixin, View):
    permission = "notifications.view"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        count = inbox.notification_mark_all_read(organisation=self.organisation, user=request.user)
        if count:
            messages.success(
                request,
                ngettext(
                    "%(count)s notification marked read.",
                    "%(count)s notifications marked read.",
                    count,
                )
                % {"count": count},
            )
        return redirect("notification_list", org_slug=self.organisation.slug)
