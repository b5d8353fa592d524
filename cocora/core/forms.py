from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

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


# Dates typed into a form or sent to the API: a year 1 or 9999 is a typo, not a plan.
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100


def check_plausible_year(value: Any) -> Any:
    if value is not None and not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise forms.ValidationError(
            gettext_lazy("Choose a date between %(first)s and %(last)s."),
            params={"first": EARLIEST_YEAR, "last": LATEST_YEAR},
        )
    return value
