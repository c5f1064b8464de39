"""Dates typed into forms are ISO 8601 only (issue 21): "01/10/2025" is January in one locale and October
in another, and "2025년 10월 1일" or "1 octobre 2025" only parse in one language. Browsers' date pickers
send ISO whatever the interface language, so only a typed free-text date is refused, with a message
that shows the one accepted form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class IsoDateField(forms.DateField):
    """A calendar date written YYYY-MM-DD, whatever the interface language."""

    input_formats = ["%Y-%m-%d"]
    default_error_messages = {"invalid": _("Enter the date as YYYY-MM-DD, for example 2025-10-01.")}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
        super().__init__(**kwargs)


class IsoDateTimeField(forms.DateTimeField):
    """A date and time written YYYY-MM-DD HH:MM (or with a T), whatever the interface language."""

    # Empty: DateTimeField parses ISO 8601 itself, then tries these locale formats; there are none.
    input_formats: list[str] = []
    default_error_messages = {
        "invalid": _("Enter the date and time as YYYY-MM-DD HH:MM, for example 2025-10-01 14:30."),
    }
