"""The demo shows the feature: in nordby the trainer's train-the-trainer refresher is overdue,
so the coordinator's home lists it and the trainer's cohort warns about it."""

import io

import pytest
from django.core.management import call_command
from django.test import Client

from cocora.accounts.models import User
from cocora.core.dates import organisation_today
from cocora.organisations.context import org_context
from cocora.organisations.models import Organisation
from programmes.models import CohortTrainer
from training.selectors import State, refreshers_due

pytestmark = pytest.mark.django_db


def test_the_demo_trainer_of_nordby_is_overdue_and_warned_about():
    call_command("seed_demo", "--force", stdout=io.StringIO())
    nordby = Organisation.objects.get(slug="nordby")
    trainer = User.objects.get(email="trainer@nordby.example")
    with org_context(nordby.pk):
        rows = refreshers_due(organisation=nordby, today=organisation_today(nordby))
        cohort_id = (
            CohortTrainer.objects.for_org(nordby)
            .filter(user=trainer, cohort__programme__kind="prevention")
            .values_list("cohort_id", flat=True)
            .first()
        )
    states = {(row.record.membership and row.record.membership.user_id, row.state) for row in rows}
    assert (trainer.pk, State.LAPSED) in states
    assert any(row.record.ambassador_id and row.state == State.DUE_SOON for row in rows)

    client = Client()
    client.force_login(User.objects.get(email="coordinator@nordby.example"))
    home = client.get("/o/nordby/").content.decode()
    assert "refreshers-heading" in home and trainer.name in home
    cohort = client.get(f"/o/nordby/cohorts/{cohort_id}/").content.decode()
    assert "training-warning" in cohort and trainer.name in cohort
