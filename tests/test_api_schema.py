"""The OpenAPI schema checked into docs/openapi.yaml is the one the code generates, and the code
generates it without a warning (every view described, every field typed)."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "docs" / "openapi.yaml"


@pytest.mark.django_db
def test_docs_openapi_yaml_is_current_and_generated_without_warnings() -> None:
    out = StringIO()
    with translation.override("en"):
        # --fail-on-warn: an undescribed view or an untyped field is a failure, not a guess.
        call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    assert SCHEMA_FILE.read_text() == out.getvalue(), (
        "docs/openapi.yaml is out of date: run `make schema` and commit the result."
    )
