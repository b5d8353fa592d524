"""Teaches the isolation sweep (tests/isolation.py) the URL parameters of the ambassadors app."""

from typing import Any

from .factories import (
    AmbassadorFactory,
    CheckInFactory,
    DebriefFactory,
    OutreachTaskFactory,
    PeerInsightFactory,
)

MAKERS: dict[str, Any] = {
    "ambassador_id": lambda org: AmbassadorFactory(organisation=org).pk,
    "task_id": lambda org: OutreachTaskFactory(organisation=org).pk,
    "checkin_id": lambda org: CheckInFactory(organisation=org).pk,
    "debrief_id": lambda org: DebriefFactory(organisation=org).pk,
    "insight_id": lambda org: PeerInsightFactory(organisation=org).pk,
}
