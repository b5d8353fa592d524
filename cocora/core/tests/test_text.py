"""Which characters a name may hold: no hidden or direction-changing ones, but every script's
own spelling."""

import pytest
from django.core.exceptions import ValidationError

from cocora.core.text import validate_name


@pytest.mark.parametrize(
    "name",
    [
        "Amira\u202egpj.exe",  # right-to-left override
        "Jonas\u200b",  # zero-width space
        "\ufeffLea",  # byte order mark
        "Noah\u2028Ali",  # line separator
        "\u3164",  # Hangul filler: a name that looks empty
        "Mia\U000e0041",  # tag character
        "Tom\u00adas",  # soft hyphen
        "\u200dSara",  # a joiner with nothing to join
        "Ola\u200d",
    ],
)
def test_hidden_and_direction_changing_characters_are_refused(name):
    with pytest.raises(ValidationError) as refused:
        validate_name(name)
    assert "invisible or direction-changing character" in str(refused.value.messages)


@pytest.mark.parametrize(
    "name",
    [
        "می\u200cخواهم",  # Persian: the zero-width non-joiner is part of the spelling
        "क्\u200dष",  # Devanagari with a zero-width joiner
        "Zoë Ødegård",
        "محمد",
        "Ana-María O'Neill",
        "👩\u200d💻 Kim",  # an emoji sequence joined by a ZWJ
    ],
)
def test_real_names_in_every_script_are_accepted(name):
    validate_name(name)


@pytest.mark.django_db
def test_the_account_services_refuse_a_hidden_character_in_a_persons_name():
    # Regression: only the profile form checked; a user created by an invitation or a command
    # could carry U+202E in the name shown on every page.
    from cocora.accounts.models import User
    from cocora.accounts.services import user_create, user_update_profile
    from cocora.core.errors import ApplicationError

    with pytest.raises(ApplicationError, match="invisible or direction-changing"):
        user_create(email="kim@example.org", password=None, name="Kim\u202egpj")
    assert not User.objects.filter(email="kim@example.org").exists()
    user = user_create(email="kim@example.org", password=None, name="Kim")
    with pytest.raises(ApplicationError, match="invisible or direction-changing"):
        user_update_profile(user=user, name="\u200bKim")
    user.refresh_from_db()
    assert user.name == "Kim"
