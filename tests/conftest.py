import pytest
from django.core.management import call_command


@pytest.fixture
def demo(transactional_db):  # type: ignore[no-untyped-def]
    """The demo organisations with one user per role, as `make run` shows them."""
    call_command("seed_demo", "--force", stdout=open("/dev/null", "w"))  # noqa: SIM115
    # The demo organisations work in Danish and German, and a member without a language of
    # their own sees the organisation's. The journeys are written against the English wording,
    # so their people have chosen English (cocora/accounts/tests/test_language.py covers the
    # organisation's language).
    from cocora.accounts.models import User

    User.objects.filter(email__endswith=".example").update(language="en")
