"""Teaches the isolation sweep (tests/isolation.py) the URL parameters of the training app."""

from collections.abc import Callable
from typing import Any

from cocora.organisations.models import Organisation

from . import factories as f

MAKERS: dict[str, Callable[[Organisation], Any]] = {
    "course_id": lambda org: f.CourseFactory(organisation=org).pk,
    "training_record_id": lambda org: f.TrainingRecordFactory(organisation=org).pk,
}
