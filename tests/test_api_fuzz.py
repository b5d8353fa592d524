"""Fuzzing the whole API with schemathesis against the live test server on PostgreSQL.

The demo organisations are the peers: `nordby` is home (its admin's token makes every request),
`suedstadt` is the victim, with a marker written into every plain text column of every one of its
rows. For every operation of docs' schema, three bounded runs with a fixed seed:
  1. valid requests (generated from the schema) on home's own paths and ids;
  2. invalid requests (wrong types, missing and unknown fields, bad query values);
  3. valid requests with the victim's ids in the path — each must be a 404.
Every answer must not be a server error, must have a status and a body the schema documents, and
must not contain the victim's marker."""

import os
import re
from typing import Any

import pytest
import schemathesis
from django.core.management import call_command
from django.db import models
from django.db.models import F, Value
from django.db.models.functions import Concat, Left
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from cocora.api.services import api_token_create
from cocora.organisations.context import org_context
from cocora.organisations.models import Membership, Organisation
from cocora.organisations.rls import tenant_models
from tests.isolation import MAKERS

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

MARKER = "ZZVICTIM"
# Bounded so that the run takes a few minutes; raise it locally for a deeper search.
EXAMPLES = int(os.environ.get("COCORA_FUZZ_EXAMPLES", "6"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
PARAM = re.compile(r"\{(\w+)\}")


def _mark_victim(victim: Organisation) -> None:
    """Prefixes every plain text column of every victim row with the marker, so that any of
    its data in an answer is found whatever the resource."""
    with org_context(victim.pk):
        for model in tenant_models():
            if getattr(model, "append_only", False):
                continue  # the audit trail cannot be changed, not even here
            columns = [
                f
                for f in model._meta.concrete_fields
                if type(f) in (models.CharField, models.TextField)
                and not f.choices
                and not f.unique
                and f.name not in ("code", "slug", "key_hash", "prefix", "idempotency_key")
            ]
            updates = {
                f.attname: Left(Concat(Value(MARKER + " "), F(f.attname)), f.max_length)
                if f.max_length
                else Concat(Value(MARKER + " "), F(f.attname))
                for f in columns
            }
            if updates:
                model.objects.for_org(victim).update(**updates)


@pytest.fixture
def peers(transactional_db: Any) -> dict[str, Any]:
    call_command("seed_demo", "--force", stdout=open(os.devnull, "w"))  # noqa: SIM115
    home = Organisation.objects.get(slug="nordby")
    victim = Organisation.objects.get(slug="suedstadt")
    with org_context(home.pk):
        admin = Membership.objects.for_org(home).get(role="admin").user
        _token, raw = api_token_create(organisation=home, user=admin, name="fuzz")
    return {"home": home, "victim": victim, "raw": raw}


def test_the_api_survives_fuzzing_and_never_shows_another_organisation(live_server, peers):
    home, victim = peers["home"], peers["victim"]
    headers = {"Authorization": f"Bearer {peers['raw']}"}
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/?format=json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 10
    only = os.environ.get("COCORA_FUZZ_ONLY")  # a regular expression, to focus on some paths
    if only:
        operations = [op for op in operations if re.search(only, op.label)]

    names = {name for op in operations for name in PARAM.findall(op.path)} - {"org_slug"}
    home_ids = {name: MAKERS[name](home) for name in names}
    victim_ids = {name: MAKERS[name](victim) for name in names}
    _mark_victim(victim)

    def check(case: Any, *, foreign: bool) -> None:
        response = case.call(base_url=live_server.url, headers=headers)
        if response.status_code == 429:
            print("DEBUG429", response.headers, response.text[:300], case.headers)
        case.validate_response(response, checks=CHECKS)
        assert MARKER not in response.text, f"{case.method} {case.formatted_path}: foreign data"
        if foreign:
            assert response.status_code == 404, f"{case.method} {case.formatted_path}"

    runs = 0
    failures: list[str] = []
    for op in operations:
        own = {
            "org_slug": home.slug,
            **{n: home_ids[n] for n in PARAM.findall(op.path) if n in home_ids},
        }
        theirs = {
            "org_slug": home.slug,
            **{n: victim_ids[n] for n in PARAM.findall(op.path) if n in victim_ids},
        }
        plans = [
            (GenerationMode.POSITIVE, own, False),
            (GenerationMode.NEGATIVE, own, False),
        ]
        if len(theirs) > 1:
            plans.append((GenerationMode.POSITIVE, theirs, True))
        for mode, path_parameters, foreign in plans:
            strategy = op.as_strategy(generation_mode=mode, path_parameters=path_parameters)
            try:
                _fuzz(strategy, lambda case, foreign=foreign: check(case, foreign=foreign))
            except (Exception, BaseExceptionGroup) as error:  # try all, report every failure
                label = "foreign ids" if foreign else mode.value
                failures.append(f"{op.label} [{label}]: {str(error)[:1500]}")
            runs += 1
    assert not failures, f"{len(failures)} failing:\n\n" + "\n\n".join(failures)
    assert runs >= 2 * len(operations)


def _fuzz(strategy: Any, body: Any) -> None:
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,  # a fixed seed: the same requests on every run
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case: Any) -> None:
        body(case)

    run()
