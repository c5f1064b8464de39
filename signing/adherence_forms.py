"""Forms for adherence after close; they validate input, adherence.py decides."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from config.dates import IsoDateField
from config.text import LineField
from declarations.models import DeclarationParty
from signatories.models import Party

from .images import ImageError, Scan, clean_scan
from .models import Signature, Signing, SigningParty


class InviteAdherenceForm(forms.Form):
    party = forms.ChoiceField(label=_("Party invited to adhere"))

    def __init__(self, *args: Any, signing: Signing, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        joined = Signature.objects.filter(
            signing=signing, status__in=[Signature.Status.SIGNED, Signature.Status.ADHERED]
        ).values("party")
        invited = SigningParty.objects.filter(signing=signing, adherence_invited_at__isnull=False).values("party")
        asked = set(SigningParty.objects.filter(signing=signing).values_list("party_id", flat=True))
        participants = set(
            DeclarationParty.objects.filter(
                declaration_id=signing.declaration_id, role=DeclarationParty.Role.PARTICIPANT
            ).values_list("party_id", flat=True)
        )
        candidates = Party.objects.exclude(pk__in=joined).exclude(pk__in=invited).order_by("short_name")
        self.parties = {party.key: party for party in candidates.only("pk", "key", "short_name")}
        groups: dict[str, list[tuple[str, str]]] = {"asked": [], "participant": [], "new": []}
        for party in self.parties.values():
            group = "asked" if party.pk in asked else ("participant" if party.pk in participants else "new")
            groups[group].append((party.key, party.short_name))
        self.fields["party"].choices = [  # type: ignore[attr-defined]
            ("", _("— Choose —")),
            *[
                (label, groups[group])
                for group, label in (
                    ("asked", _("Asked at the signing, did not sign")),
                    ("participant", _("Participants of the declaration not asked to sign")),
                    ("new", _("Other parties of the directory (added to the declaration)")),
                )
                if groups[group]
            ],
        ]

    def chosen_party(self) -> Party:
        return self.parties[self.cleaned_data["party"]]


class RecordAdherenceForm(forms.Form):
    METHODS = [(Signature.Method.PAPER, _("Signed on paper")), (Signature.Method.IN_PERSON, _("Signed in person"))]

    # The text the secretariat was shown: an adherence applies to exactly the signed text.
    content_hash = forms.CharField(widget=forms.HiddenInput, max_length=64)
    method = forms.ChoiceField(
        choices=METHODS, widget=forms.RadioSelect, initial=Signature.Method.PAPER, label=_("How the party adhered")
    )
    printed_name = LineField(max_length=200, label=_("Printed name"))
    printed_title = LineField(max_length=200, label=_("Printed title"))
    capacity = LineField(max_length=300, required=False, label=_("Capacity (optional)"))
    adhered_on = IsoDateField(
        label=_("Date of the adherence"),
        help_text=_("The date on the instrument of adherence (the date picker shows it in your browser's format)."),
    )
    scan = forms.FileField(
        required=False,
        label=_("Scan of the signed instrument (PDF, PNG or JPEG, at most 10 MB; required on paper)"),
    )

    def __init__(self, *args: Any, signing_party: SigningParty, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cleaned_scan: Scan | None = None
        self.fields["scan"].widget.attrs["accept"] = "application/pdf,image/png,image/jpeg"
        self.initial.setdefault("content_hash", signing_party.signing.version.content_hash)
        self.initial.setdefault("printed_name", signing_party.printed_name)
        self.initial.setdefault("printed_title", signing_party.printed_title)
        self.initial.setdefault("capacity", signing_party.capacity)

    def clean_scan(self) -> Any:
        file = self.cleaned_data.get("scan")
        if file:
            try:
                self.cleaned_scan = clean_scan(file)
            except ImageError as exc:
                raise forms.ValidationError(str(exc), code="scan") from exc
        return file
