"""The words of the account emails (address confirmation, password reset, and the notices of a
changed password, address or second factor), in the shared email layout.

django-allauth names each email by a template prefix; `account_email_content` answers the ones
the platform sends with our own words, in the active language and time zone. An email it does
not know (the ones of features we do not offer, like open sign-up) is left to allauth."""

from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cocora.core.emails import EmailContent

from .models import User


def _greeting(user: User | None) -> str:
    if user is not None and user.name:
        return _("Hello %(name)s,") % {"name": user.name}
    return _("Hello,")


def _confirmation(user: User | None, email: str, context: Mapping[str, Any]) -> EmailContent:
    return EmailContent(
        subject=_("Confirm your email address for Cocora"),
        greeting=_greeting(user),
        paragraphs=[
            _(
                "Confirm that %(email)s is your address, so that you can sign in to Cocora "
                "and receive your organisation's emails there."
            )
            % {"email": email}
        ],
        link=(_("Confirm the address"), str(context["activate_url"])),
        closing=[_("If you did not add this address to an account, you can ignore this email.")],
        reason=_("You get this email because this address was added to a Cocora account."),
    )


def _password_reset(user: User | None, email: str, context: Mapping[str, Any]) -> EmailContent:
    return EmailContent(
        subject=_("Reset your Cocora password"),
        greeting=_greeting(user),
        paragraphs=[
            _(
                "Someone, probably you, asked to reset the password of the Cocora account "
                "for %(email)s."
            )
            % {"email": email}
        ],
        link=(_("Choose a new password"), str(context["password_reset_url"])),
        closing=[
            _("If you did not ask for this, ignore this email: your password stays as it is.")
        ],
        reason=_("You get this email because a password reset was asked for with this address."),
    )


def _unknown_account(user: User | None, email: str, context: Mapping[str, Any]) -> EmailContent:
    return EmailContent(
        subject=_("Password reset on Cocora"),
        greeting=_greeting(None),
        paragraphs=[
            _(
                "Someone asked to reset the password of a Cocora account for %(email)s, but no "
                "account has this address."
            )
            % {"email": email},
            _(
                "People join Cocora through an invitation from their organisation. If you "
                "expected one, ask your organisation's admin to send it."
            ),
        ],
        closing=[_("If you did not ask for this, you can ignore this email.")],
        reason=_("You get this email because a password reset was asked for with this address."),
    )


# The notices of a change to an account: the subject and what changed.
_NOTICES: dict[str, tuple[Callable[[], str], Callable[[Mapping[str, Any]], str]]] = {
    "account/email/password_changed": (
        lambda: _("Your Cocora password was changed"),
        lambda c: _("The password of your Cocora account was changed."),
    ),
    "account/email/password_set": (
        lambda: _("A password was set for your Cocora account"),
        lambda c: _("A password was set for your Cocora account."),
    ),
    "account/email/password_reset": (
        lambda: _("Your Cocora password was reset"),
        lambda c: _("The password of your Cocora account was reset with a link sent by email."),
    ),
    "account/email/email_changed": (
        lambda: _("The email address of your Cocora account was changed"),
        lambda c: (
            _("The email address of your Cocora account was changed from %(old)s to %(new)s.")
            % {"old": c.get("from_email", ""), "new": c.get("to_email", "")}
        ),
    ),
    "account/email/email_deleted": (
        lambda: _("An email address was removed from your Cocora account"),
        lambda c: (
            _("The address %(email)s was removed from your Cocora account.")
            % {"email": c.get("deleted_email", "")}
        ),
    ),
    "mfa/email/totp_activated": (
        lambda: _("Two-factor authentication is on for your Cocora account"),
        lambda c: _("Two-factor authentication with an authenticator app was turned on."),
    ),
    "mfa/email/totp_deactivated": (
        lambda: _("Two-factor authentication is off for your Cocora account"),
        lambda c: _("Two-factor authentication with an authenticator app was turned off."),
    ),
    "mfa/email/recovery_codes_generated": (
        lambda: _("New recovery codes for your Cocora account"),
        lambda c: _(
            "New recovery codes were made for your account; the earlier ones no longer work."
        ),
    ),
}


def _notice(prefix: str, user: User | None, context: Mapping[str, Any]) -> EmailContent:
    subject, what = _NOTICES[prefix]
    facts = []
    if context.get("timestamp"):
        when = timezone.localtime(context["timestamp"])
        facts.append(
            (
                _("When"),
                f"{date_format(when, 'DATETIME_FORMAT')} ({timezone.get_current_timezone_name()})",
            )
        )
    if context.get("ip"):
        facts.append((_("IP address"), str(context["ip"])))
    if context.get("user_agent"):
        facts.append((_("Browser"), str(context["user_agent"])))
    reset_url = settings.COCORA_BASE_URL.rstrip("/") + reverse("account_reset_password")
    return EmailContent(
        subject=subject(),
        greeting=_greeting(user),
        paragraphs=[what(context)],
        facts=facts,
        link=(_("Reset your password"), reset_url),
        closing=[
            _(
                "If this was you, there is nothing to do. If it was not, reset your password "
                "at once and tell your organisation's admin."
            )
        ],
        reason=_("You get this email because it concerns the security of your Cocora account."),
    )


_MESSAGES: dict[str, Callable[[User | None, str, Mapping[str, Any]], EmailContent]] = {
    "account/email/email_confirmation": _confirmation,
    "account/email/email_confirmation_signup": _confirmation,
    "account/email/password_reset_key": _password_reset,
    "account/email/unknown_account": _unknown_account,
}

# Every account email the platform sends in its own words (tests send each of them).
ACCOUNT_EMAILS = frozenset(_MESSAGES) | frozenset(_NOTICES)


def account_email_content(
    template_prefix: str, *, email: str, user: User | None, context: Mapping[str, Any]
) -> EmailContent | None:
    """The words of the account email called `template_prefix`, or None for one that allauth
    writes itself."""
    if template_prefix in _MESSAGES:
        return _MESSAGES[template_prefix](user, email, context)
    if template_prefix in _NOTICES:
        return _notice(template_prefix, user, context)
    return None
