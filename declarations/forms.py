"""Forms for drafting: they validate shape only; every rule about the declaration is in services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from config.text import LineField, TextField

from .models import Declaration
from .templatetags.accord import lang_name

REASON_HELP = _("Optional. Kept in the clause's history, e.g. “Typo reported by Kyoto”.")


class ClauseTextForm(forms.Form):
    """One language of one clause, carrying the revision the editor started from."""

    text = TextField(label=_("Text"), required=False, strip=False, widget=forms.Textarea(attrs={"rows": 8}))
    base_revision = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    reason = LineField(label=_("Reason for the change"), required=False, max_length=100, help_text=REASON_HELP)


class _PerLanguageForm(forms.Form):
    """A form with one field per declaration language, named text_<code>."""

    field_label = _("Text")
    multiline = True

    def __init__(self, *args: Any, declaration: Declaration, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.declaration = declaration
        for code in declaration.languages:
            widget: forms.Widget = (
                forms.Textarea(attrs={"rows": 5, "lang": code})
                if self.multiline
                else forms.TextInput(attrs={"lang": code})
            )
            field = TextField if self.multiline else LineField
            self.fields[f"text_{code}"] = field(
                label=f"{self.field_label} ({lang_name(code)})",
                required=code == declaration.source_language,
                strip=False,
                widget=widget,
            )
        self.fields["reason"] = LineField(
            label=_("Reason for the change"), required=False, max_length=100, help_text=REASON_HELP
        )

    def texts(self) -> dict[str, str]:
        return {code: self.cleaned_data.get(f"text_{code}") or "" for code in self.declaration.languages}

    def language_fields(self) -> list[forms.BoundField]:
        return [self[f"text_{code}"] for code in self.declaration.languages]


class ClauseAddForm(_PerLanguageForm):
    """A new clause: its text in each language (the source language is required)."""


class SectionForm(_PerLanguageForm):
    """A section heading in each language."""

    field_label = _("Heading")
    multiline = False

    def __init__(self, *args: Any, declaration: Declaration, **kwargs: Any) -> None:
        super().__init__(*args, declaration=declaration, **kwargs)
        self.fields["base_revision"] = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)


class PublishForm(forms.Form):
    """Label and note of a new named version."""

    label = LineField(
        label=_("Label"), max_length=200, help_text=_("How people will refer to it, e.g. “Revised draft”.")
    )
    note = TextField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 4}))


class ReasonForm(forms.Form):
    """Just an optional reason (delete, restore, move, confirm)."""

    reason = LineField(required=False, max_length=100)
