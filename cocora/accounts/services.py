"""Writes on users. A user created here can sign in at once: the address is marked verified,
because the only ways in (an invitation link, an admin command) prove that the address works."""

from allauth.account.models import EmailAddress
from django.db import transaction

from cocora.core.errors import ApplicationError

from .models import User


@transaction.atomic
def user_create(*, email: str, password: str | None, name: str = "") -> User:
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ApplicationError("A user with this email address exists already.")
    user = User.objects.create_user(email=email, password=password, name=name.strip())
    if password is None:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


@transaction.atomic
def user_update_profile(*, user: User, name: str) -> User:
    user.name = name.strip()
    user.save(update_fields=["name"])
    return user
