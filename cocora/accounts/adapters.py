from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest
from django.utils import translation

from .language import email_language
from .models import User


class AccountAdapter(DefaultAccountAdapter):
    """People join through an invitation from an organisation admin, never by open sign-up."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Account emails (password reset and the like) in the recipient's language: theirs,
        else their organisation's, else the page's (the person asking is at that browser).

        The organisation is only known when the recipient is the one signed in: row-level
        security shows a person's memberships to that person alone, and a password reset is
        asked for while signed out."""
        from cocora.organisations.models import Membership

        user = context.get("user")
        if not isinstance(user, User):
            user = User.objects.filter(email__iexact=email).first()
        if user is None:
            super().send_mail(template_prefix, email, context)
            return
        membership = (
            Membership.objects.filter(user=user)
            .select_related("organisation")
            .order_by("pk")
            .first()
        )
        language = email_language(
            user=user,
            organisation_language=(
                membership.organisation.language if membership else translation.get_language()
            ),
        )
        with translation.override(language):
            super().send_mail(template_prefix, email, context)
