"""For tests that find a service missing at run time: skipped with the reason on a developer's
machine, a failure where every service must be there (COCORA_REQUIRE_SERVICES=1, as in CI)."""

import os
from typing import NoReturn

import pytest


def service_missing(reason: str) -> NoReturn:
    if os.environ.get("COCORA_REQUIRE_SERVICES") == "1":
        pytest.fail(f"COCORA_REQUIRE_SERVICES=1, but {reason}", pytrace=False)
    pytest.skip(reason)
