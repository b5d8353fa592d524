from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

from cocora.core.emails import email_message

from .emails import account_email_content
from .language import email_language
from .models import User


class AccountAdapter(DefaultAccountAdapter):
    """People join through an invitation from an organisation admin, never by open sign-up."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def post_login(self, request: HttpRequest, user: Any, **kwargs: Any) -> HttpResponse:
        """The notice that someone signed in, in the language of the page it is shown on: the
        language they saved, else that of their organisation when they belong to one (they
        land on its home page, which speaks it), else the sign-in page's. The notice is written
        while the sign-in page's language (the browser's) is still active; theirs applies from
        the next request on."""
        language = getattr(user, "language", "") or _only_organisation_language(user)
        with translation.override(language or translation.get_language()):
            return super().post_login(request, user, **kwargs)

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Account emails (password reset and the like), text and HTML in the shared layout,
        in the recipient's language: theirs, else their organisation's, else the page's (the
        person asking is at that browser); times in their organisation's time zone.

        The organisation is only known when the recipient is the one signed in: row-level
        security shows a person's memberships to that person alone, and a password reset is
        asked for while signed out."""
        from cocora.organisations.models import Membership

        user = context.get("user")
        if not isinstance(user, User):
            user = User.objects.filter(email__iexact=email).first()
        membership = (
            Membership.objects.filter(user=user)
            .select_related("organisation")
            .order_by("pk")
            .first()
            if user is not None
            else None
        )
        organisation = membership.organisation if membership else None
        language = email_language(
            user=user,
            organisation_language=(
                organisation.language if organisation else translation.get_language()
            ),
        )
        zone = organisation.time_zone if organisation else settings.TIME_ZONE
        with translation.override(language), timezone.override(zone):
            content = account_email_content(
                template_prefix, email=email, user=user, context=context
            )
            if content is None:
                super().send_mail(template_prefix, email, context)
                return
            email_message(
                content=content,
                to=email,
                organisation_name=organisation.name if organisation else "",
                from_email=self.get_from_email(),
            ).send()


def _only_organisation_language(user: User) -> str:
    """The language of the person's organisation when they belong to exactly one, else "".
    The sign-in request began signed out: the person's memberships are read with the user
    set for the database's row-level security, as the next request will set it, and what was
    set before is restored."""
    from cocora.organisations.context import (
        current_db_context,
        restore_db_context,
        set_db_context,
    )
    from cocora.organisations.selectors import membership_list_for_user

    with transaction.atomic():
        previous = current_db_context()
        set_db_context(organisation_id=None, user_id=user.pk)
        try:
            memberships = membership_list_for_user(user=user)
        finally:
            restore_db_context(previous)
    return memberships[0].organisation.language if len(memberships) == 1 else ""
