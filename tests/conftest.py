import pytest
from django.core.management import call_command


@pytest.fixture
def demo(transactional_db):  # type: ignore[no-untyped-def]
    """The demo organisations with one user per role, as `make run` shows them."""
    call_command("seed_demo", "--force", stdout=open("/dev/null", "w"))  # noqa: SIM115
