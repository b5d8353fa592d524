"""Teaches the isolation sweep (tests/isolation.py) the URL parameters of the evaluation app."""

from typing import Any

from cocora.organisations.context import org_context
from evaluation.pairing import link_secret

from .factories import SurveyLinkFactory, WaveFactory, instrument_for


def _instrument(org: Any) -> int:
    return int(instrument_for(org).pk)


def _item(org: Any) -> int:
    from evaluation.models import Item

    instrument = instrument_for(org)
    with org_context(org.pk):
        return int(Item.objects.for_org(org).filter(instrument=instrument).first().pk)  # type: ignore[union-attr]


MAKERS: dict[str, Any] = {
    "instrument_id": _instrument,
    "item_id": _item,
    "wave_id": lambda org: WaveFactory(organisation=org).pk,
    # A real, unused code of the organisation: on another organisation's address it must be 404.
    "code": lambda org: link_secret(SurveyLinkFactory(organisation=org).nonce),
}

# Pages found by a secret code answer whoever holds it, without a login. The sweep's outsider
# holds none: on the organisation's own address it tries a code that was never issued.
SECRET_GUESSES: dict[str, Any] = {"code": lambda org: "AAAA-AAAA-AAAA"}
