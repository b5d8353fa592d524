from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from cocora.core.dates import (
    EARLIEST_YEAR,
    LATEST_YEAR,
    PLAUSIBLE_YEAR_MESSAGE,
    is_plausible,
    local_moment,
)
from cocora.core.errors import ApplicationError


class StyledFormMixin:
    """Gives every widget Bootstrap's class and ties it to its hint for screen readers."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()
            # A browser cuts pasted text at `maxlength` without a word: the server refuses
            # too long a text with a message instead (a 5,000-character name was cut to 200).
            widget.attrs.pop("maxlength", None)
            if field.help_text:
                widget.attrs["aria-describedby"] = f"{self.auto_id % name}_hint"  # type: ignore[attr-defined]

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name in self.errors:  # type: ignore[attr-defined]
            if name in self.fields:  # type: ignore[attr-defined]
                widget = self.fields[name].widget  # type: ignore[attr-defined]
                widget.attrs["aria-invalid"] = "true"
                widget.attrs["class"] = widget.attrs.get("class", "") + " is-invalid"
                widget.attrs["aria-describedby"] = f"{self.auto_id % name}_hint"  # type: ignore[attr-defined]


def add_application_error(form: forms.BaseForm, error: ApplicationError) -> None:
    """Shows a service's refusal on the form: on its field when the form has that field,
    otherwise above the form."""
    form.add_error(error.field if error.field in form.fields else None, error.message)


def check_plausible_year(value: Any) -> Any:
    """A validator for form and API fields: the plausible-date rule of cocora.core.dates."""
    if not is_plausible(value):
        raise forms.ValidationError(
            PLAUSIBLE_YEAR_MESSAGE,
            code="implausible_year",
            params={"first": EARLIEST_YEAR, "last": LATEST_YEAR},
        )
    return value


class PlausibleDateField(forms.DateField):
    """Every date field of every form: a date in a plausible year."""

    default_validators = [check_plausible_year]


class PlausibleDateTimeField(forms.DateTimeField):
    """Every date-and-time field of every form: read on the clocks of the current (the
    organisation's) time zone, in a plausible year, refusing a time the clocks skip or show
    twice with a message naming it (Django's own message names neither)."""

    default_validators = [check_plausible_year]

    def to_python(self, value: Any) -> datetime | None:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            moment = value
        else:
            try:
                moment = parse_datetime(str(value).strip())  # type: ignore[assignment]
            except ValueError:
                raise forms.ValidationError(
                    self.error_messages["invalid"], code="invalid"
                ) from None
            if moment is None:
                moment = forms.BaseTemporalField.to_python(self, value)
        # Checked before reading the time in a zone, where year 1 or 9999 overflows.
        check_plausible_year(moment)
        try:
            return local_moment(moment, timezone.get_current_timezone())
        except ApplicationError as error:
            raise forms.ValidationError(error.message, code=error.code) from None
