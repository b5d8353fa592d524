"""Writes on users. A user created here can sign in at once: the address is marked verified,
because the only ways in (an invitation link, an admin command) prove that the address works."""

from importlib import import_module

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cocora.core.errors import ApplicationError
from cocora.core.text import text_value_check

from .models import User


@transaction.atomic
def user_create(*, email: str, password: str | None, name: str = "") -> User:
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ApplicationError(_("A user with this email address exists already."))
    # A person's name is checked here, not only by the forms: an invitation's acceptance and the
    # admin commands create users too.
    text_value_check(User._meta.get_field("name"), name.strip())
    user = User.objects.create_user(email=email, password=password, name=name.strip())
    if password is None:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


@transaction.atomic
def user_update_profile(*, user: User, name: str) -> User:
    text_value_check(User._meta.get_field("name"), name.strip())
    user.name = name.strip()
    user.save(update_fields=["name"])
    return user


@transaction.atomic
def user_set_language(*, user: User, language: str) -> User:
    """Saves the language the person reads the platform and their emails in; blank means no
    preference of their own (the organisation's language, then the browser's)."""
    if language and language not in dict(settings.LANGUAGES):
        raise ApplicationError(_("This language is not offered on the platform."))
    user.language = language
    user.save(update_fields=["language"])
    return user


@transaction.atomic
def user_deactivate(*, user: User) -> int:
    """Deactivates the account and ends every session it has, at once. Returns how many
    sessions were ended.

    Django already refuses an inactive user on their next request, but the session row would
    stay, and reactivating the account would bring back a session stolen or left open before."""
    user.is_active = False
    user.save(update_fields=["is_active"])
    return user_sessions_end(user=user)


def user_sessions_end(*, user: User) -> int:
    """Ends every session of a user, on every device.

    Database sessions are not indexed by user, so the unexpired ones are decoded. That set stays
    small: with the 30-minute idle timeout only sessions used in the last 30 minutes are unexpired
    (some 35 ms per thousand sessions). Each is deleted through the session engine, so a cached
    copy goes too."""
    engine = import_module(settings.SESSION_ENGINE)
    store_class = engine.SessionStore
    keys = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator(
            chunk_size=1000
        )
        if session.get_decoded().get(SESSION_KEY) == str(user.pk)
    ]
    for key in keys:
        store_class().delete(key)
    return len(keys)
