"""The demo shows real shapes: one indicator on track, one behind, and a report."""

import io

import pytest
from django.core.management import call_command

from cocora.core.dates import organisation_today
from cocora.organisations.context import org_context
from cocora.organisations.models import Organisation
from impact.models import FunderReport
from impact.selectors import indicator_progress

pytestmark = pytest.mark.django_db


def test_the_demo_has_an_indicator_on_track_one_behind_and_a_funder_report(settings):
    call_command("seed_demo", "--force", stdout=io.StringIO())
    nordby = Organisation.objects.get(slug="nordby")
    with org_context(nordby.pk):
        rows = indicator_progress(organisation=nordby, today=organisation_today(nordby))
        reports = FunderReport.objects.for_org(nordby).count()
    states = {row.indicator.metric or row.indicator.scale: row.status for row in rows}
    assert states["sessions_held"] == "on_track" and states["attendance_rate"] == "behind"
    # The evaluation demo's finished cohort: a change measured over enough pairs to show.
    outcome = next(row for row in rows if row.indicator.scale == "self_efficacy")
    assert outcome.value.shown and outcome.n.value >= 5
    assert reports == 1
