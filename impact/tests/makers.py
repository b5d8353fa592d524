"""Teaches the isolation sweep (tests/isolation.py) the URL parameters of the impact app."""

from collections.abc import Callable
from typing import Any

from cocora.organisations.models import Organisation

from . import factories as f

MAKERS: dict[str, Callable[[Organisation], Any]] = {
    "objective_id": lambda org: f.ObjectiveFactory(organisation=org).pk,
    "indicator_id": lambda org: f.IndicatorFactory(organisation=org).pk,
    "report_id": lambda org: f.FunderReportFactory(organisation=org).pk,
}
