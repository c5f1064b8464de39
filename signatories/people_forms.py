"""Forms for secretariats, invitations, accounts and the party directory."""

from __future__ import annotations

import zoneinfo
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.utils.translation import gettext_lazy as _

from .models import Membership, Party

UN_LANGUAGES = ["en", "fr", "es", "ru", "zh", "ar", "ko"]


def _time_zones() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(zoneinfo.available_timezones()) if "/" in name or name == "UTC"]


class SecretariatForm(forms.Form):
    name = forms.CharField(label=_("Name of the secretariat"), max_length=200)


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    language = forms.ChoiceField(label=_("Language of the invitation"), choices=settings.LANGUAGES)


class PartyInviteForm(InviteForm):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class BulkInviteForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("Columns: email, party (a party key; empty for the secretariat), role, language."),
    )


class AccountForm(forms.Form):
    language = forms.ChoiceField(label=_("Interface language"), choices=settings.LANGUAGES)
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=_time_zones)


class AcceptForm(forms.Form):
    first_name = forms.CharField(
        label=_("First name"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    password1 = forms.CharField(
        label=_("Choose a password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
    )
    password2 = forms.CharField(
        label=_("The password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password1") != data.get("password2"):
            raise forms.ValidationError(_("The two passwords differ."), code="password_mismatch")
        return data


class PartyForm(forms.Form):
    key = forms.SlugField(label=_("Key"), max_length=64, help_text=_("Lowercase letters, digits and hyphens."))
    short_name = forms.CharField(label=_("Short name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=Party.Kind.choices)
    country = forms.CharField(label=_("Country code (ISO 3166, two letters)"), max_length=2, required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for code in UN_LANGUAGES:
            self.fields[f"name_{code}"] = forms.CharField(
                label=_("Name (%(language)s)") % {"language": code}, max_length=300, required=code == "en"
            )

    def clean_country(self) -> str:
        import pycountry

        code = (self.cleaned_data.get("country") or "").upper()
        if code and pycountry.countries.get(alpha_2=code) is None:
            raise forms.ValidationError(_("Unknown country code."), code="country")
        return code

    def party_data(self) -> dict[str, object]:
        data = self.cleaned_data
        names = {code: data[f"name_{code}"].strip() for code in UN_LANGUAGES if data.get(f"name_{code}", "").strip()}
        return {
            "key": data["key"],
            "name": names,
            "short_name": data["short_name"],
            "kind": data["kind"],
            "country": data["country"],
        }


class PartyFileForm(forms.Form):
    file = forms.FileField(label=_("CSV or Excel file"))


class ReaderPasswordResetForm(PasswordResetForm):
    """Django's reset form, with the e-mail in the account's language and the link from SITE_URL."""

    def send_mail(
        self, subject_template_name, email_template_name, context, from_email, to_email, html_email_template_name=None
    ):  # type: ignore[no-untyped-def]
        from .notifications import reader_of, reading_as

        site = urlsplit(settings.SITE_URL)
        context = {**context, "protocol": site.scheme, "domain": site.netloc}
        with reading_as(reader_of(context["user"])):
            super().send_mail(
                subject_template_name, email_template_name, context, from_email, to_email, html_email_template_name
            )
