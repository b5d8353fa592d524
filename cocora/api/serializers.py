"""Shared pieces of the API's serializers."""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from cocora.core.dates import local_moment
from cocora.core.errors import ApplicationError
from cocora.core.forms import check_plausible_year


class InputSerializer(serializers.Serializer):
    """What a client sends. Unknown fields are an error rather than silently dropped: a typo in
    a field name should not look like success."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: [_("Unknown field.")] for name in unknown})
        return super().to_internal_value(data)


class OrgObjectField(serializers.PrimaryKeyRelatedField):
    """An id of an object of the request's organisation. Another organisation's id is answered
    exactly like an id that does not exist."""

    default_error_messages = {
        "does_not_exist": gettext_lazy("There is no such object in this organisation."),
        "incorrect_type": gettext_lazy("Expected an id (a whole number)."),
    }

    def __init__(self, model: type[Model], **kwargs: Any) -> None:
        self.model = model
        kwargs.setdefault("queryset", model._default_manager.none())
        super().__init__(**kwargs)

    def get_queryset(self) -> Any:
        organisation = self.context.get("organisation")
        if organisation is None:
            return self.model._default_manager.none()
        return self.model._default_manager.for_org(organisation)  # type: ignore[attr-defined]

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("incorrect_type", data_type=type(data).__name__)
        try:
            pk = int(data)
        except (TypeError, ValueError):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if not 0 < pk < 2**63:
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(pk)


class PlausibleDateField(serializers.DateField):
    """Every date the API takes: in a plausible year, as on the pages."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("validators", [check_plausible_year])
        super().__init__(**kwargs)


class PlausibleDateTimeField(serializers.DateTimeField):
    """A date and time (in the organisation's time zone when sent without an offset) in a
    plausible year, as on the pages. The year is checked before the time is read in a zone,
    where year 1 or 9999 overflows (a 500, not a 400, otherwise); a local time the clocks skip
    or show twice is refused naming it, as on the pages."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("validators", [check_plausible_year])
        super().__init__(**kwargs)

    def enforce_timezone(self, value: Any) -> Any:
        check_plausible_year(value)
        try:
            zone = getattr(self, "timezone", None) or self.default_timezone()
            value = local_moment(value, zone)
        except ApplicationError as error:
            raise serializers.ValidationError(error.message, code=error.code) from None
        return super().enforce_timezone(value)


def moment_writer() -> Callable[[datetime | None], str | None]:
    """What a DateTimeField writes (ISO 8601 in the current time zone, `Z` for UTC), for lists
    that write their rows in one pass rather than through serializer fields. The zone is looked
    up once here, not once per value."""
    return serializers.DateTimeField(
        default_timezone=timezone.get_current_timezone()
    ).to_representation
