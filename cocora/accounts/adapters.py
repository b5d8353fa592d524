from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
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
        """The notice that someone signed in, in the language they saved, like the page it is
        shown on: the notice is written while the sign-in page's language (the browser's) is
        still active, and the saved one applies from the next request on."""
        language = getattr(user, "language", "") or translation.get_language()
        with translation.override(language):
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
