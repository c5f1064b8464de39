"""Forms for requesting a PDF and for verifying one."""

from __future__ import annotations

import re
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from config.text import LineField
from declarations.models import DeclarationVersion
from declarations.templatetags.accord import lang_name

from .models import Layout

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
SHA256_RE = re.compile(r"^[0-9a-fA-F]{64}$")

LAYOUT_CHOICES = [
    (Layout.SIDE_BY_SIDE.value, _("Side by side (two languages)")),
    (Layout.SEQUENTIAL.value, _("One language after the other")),
]


class ExportForm(forms.Form):
    """Which text, in which languages, laid out how."""

    version = forms.TypedChoiceField(label=_("Version"), coerce=int, required=False)
    languages = forms.MultipleChoiceField(label=_("Languages"), widget=forms.CheckboxSelectMultiple)
    layout = forms.ChoiceField(
        label=_("With two or more languages"), choices=LAYOUT_CHOICES, widget=forms.RadioSelect, required=False
    )

    def __init__(self, *args: Any, versions: list[DeclarationVersion], languages: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["version"]).choices = [
            (v.number, _("Version %(n)s: %(label)s") % {"n": v.number, "label": v.label}) for v in versions
        ]
        cast(forms.ChoiceField, self.fields["languages"]).choices = [(code, lang_name(code)) for code in languages]
        if not versions:
            del self.fields["version"]


class VerifyForm(forms.Form):
    """Either a PDF file or its SHA-256."""

    file = forms.FileField(label=_("The PDF file"), required=False)
    sha256 = LineField(label=_("Or its SHA-256"), required=False, max_length=80)

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload is not None and upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than 20 MB; Accord never issues PDFs that large."), code="too_large"
            )
        return upload

    def clean_sha256(self) -> str:
        value = "".join(self.cleaned_data.get("sha256", "").split()).lower()
        if value and not SHA256_RE.match(value):
            raise forms.ValidationError(_("A SHA-256 is 64 hexadecimal characters."), code="invalid_hash")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not data.get("file") and not data.get("sha256"):
            raise forms.ValidationError(_("Choose a PDF file or paste its SHA-256."), code="empty")
        return data
