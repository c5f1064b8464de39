"""Forms for signing; they validate input, services decide."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from config.auth_types import AuthenticatedHttpRequest
from config.dates import IsoDateTimeField
from config.text import LineField, TextField
from declarations.models import Declaration, DeclarationParty, DeclarationVersion
from signatories.models import Membership, Party

from .images import ImageError, Scan, clean_scan, signature_from_data_url, signature_from_upload
from .models import Signature, Signing, SigningParty
from .services import default_undertaking, designation_stamp
from .typed import signature_from_typed_name


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M")


type StrOrPromise = str | Promise


def in_reader_zone(field: forms.Field, label: StrOrPromise) -> None:
    """Name the zone a datetime field is read in: the reader's own (signatories/time_zones.py), as Django parses it."""
    field.label = str(label) % {"zone": timezone.get_current_timezone_name()}


class StaleConfirmationFields(forms.Form):
    """The secretariat's confirmation that signing goes ahead on translations flagged out of date (stale.py)."""

    stale_confirmed = forms.BooleanField(
        required=False, label=_("I confirm that signing goes ahead on this text although translations are out of date")
    )
    stale_reason = TextField(
        required=False,
        label=_("Why signing goes ahead anyway (recorded in the audit trail and printed on the certificate)"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        confirmed, reason = data.get("stale_confirmed"), (data.get("stale_reason") or "").strip()
        if confirmed and not reason:
            self.add_error("stale_reason", forms.ValidationError(_("Say why signing goes ahead."), code="required"))
        elif reason and not confirmed:
            self.add_error(
                "stale_confirmed", forms.ValidationError(_("Tick the confirmation to go ahead."), code="required")
            )
        return data

    def confirmed_reason(self) -> str:
        """The reason to pass to the service: empty unless the box is ticked."""
        return self.cleaned_data.get("stale_reason", "") if self.cleaned_data.get("stale_confirmed") else ""

    def stale_fields(self) -> list[forms.BoundField]:
        return [self["stale_confirmed"], self["stale_reason"]]


class OpenSigningForm(StaleConfirmationFields):
    version = forms.ModelChoiceField(
        queryset=DeclarationVersion.objects.none(), label=_("Final text"), empty_label=_("— Choose —")
    )
    parties = forms.ModelMultipleChoiceField(
        queryset=Party.objects.none(), label=_("Parties that sign"), widget=forms.CheckboxSelectMultiple
    )
    ordered = forms.BooleanField(required=False, label=_("Parties sign in the order given"))
    deadline = IsoDateTimeField(label=_("Deadline"), widget=DateTimeInput())

    def __init__(self, *args: Any, declaration: Declaration, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.declaration = declaration
        in_reader_zone(self.fields["deadline"], _("Deadline (%(zone)s)"))
        # Deferred: each snapshot is the whole text (~1 MB at UN scale); the choices show number and label.
        versions = declaration.versions.defer("snapshot").order_by("-number")
        self.fields["version"].queryset = versions  # type: ignore[attr-defined]
        self.fields["version"].label_from_instance = lambda v: f"{v.number}. {v.label} ({v.content_hash[:12]})"  # type: ignore[attr-defined]
        participants = Party.objects.filter(
            participations__declaration=declaration, participations__role=DeclarationParty.Role.PARTICIPANT
        ).order_by("short_name")
        self.participants = list(participants)
        self.fields["parties"].queryset = participants  # type: ignore[attr-defined]
        latest = versions.first()
        self.initial.setdefault("version", latest)
        self.initial.setdefault("parties", self.participants)
        self.initial.setdefault("deadline", (timezone.now() + timedelta(days=14)).replace(second=0, microsecond=0))
        undertaking = default_undertaking(latest) if latest else {}
        for lang in declaration.languages:
            name = f"undertaking_{lang}"
            self.fields[name] = TextField(
                required=False,
                label=_("Undertaking printed above the signatures (%(lang)s)") % {"lang": lang},
                widget=forms.Textarea(attrs={"rows": 2, "lang": lang}),
            )
            self.initial.setdefault(name, undertaking.get(lang, ""))
        for party in self.participants:
            label = _("Position of %(party)s") % {"party": party.short_name}
            self.fields[f"order_{party.key}"] = forms.IntegerField(
                required=False, min_value=1, label=label, widget=forms.NumberInput(attrs={"aria-label": label})
            )

    def party_rows(self) -> list[tuple[Any, forms.BoundField]]:
        """Each participant's checkbox with its position field (both lists follow short_name order)."""
        return [(box, self[f"order_{p.key}"]) for box, p in zip(self["parties"], self.participants, strict=True)]

    def undertaking_fields(self) -> list[forms.BoundField]:
        return [self[f"undertaking_{lang}"] for lang in self.declaration.languages]

    def ordered_parties(self) -> list[Party]:
        chosen = list(self.cleaned_data["parties"])
        index = {p.pk: i for i, p in enumerate(self.participants)}
        big = len(index) + 1_000
        return sorted(chosen, key=lambda p: (self.cleaned_data.get(f"order_{p.key}") or big, index.get(p.pk, big)))

    def undertaking(self) -> dict[str, str]:
        return {lang: self.cleaned_data.get(f"undertaking_{lang}", "") for lang in self.declaration.languages}


class ReopenForm(StaleConfirmationFields):
    version = forms.ModelChoiceField(
        queryset=DeclarationVersion.objects.none(), label=_("New version"), empty_label=_("— Choose —")
    )
    deadline = IsoDateTimeField(label=_("New deadline"), required=False, widget=DateTimeInput())

    def __init__(self, *args: Any, signing: Signing, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        in_reader_zone(self.fields["deadline"], _("New deadline (%(zone)s)"))
        # Deferred: each snapshot is the whole text (~1 MB at UN scale); the choices show number and label.
        newer = (
            DeclarationVersion.objects.filter(declaration_id=signing.declaration_id, number__gt=signing.version.number)
            .defer("snapshot")
            .order_by("-number")
        )
        self.fields["version"].queryset = newer  # type: ignore[attr-defined]
        self.fields["version"].label_from_instance = lambda v: f"{v.number}. {v.label} ({v.content_hash[:12]})"  # type: ignore[attr-defined]
        self.initial.setdefault("version", newer.first())


class DesignateForm(forms.Form):
    signatory = forms.ModelChoiceField(
        queryset=Membership.objects.none(), label=_("Signatory"), empty_label=_("— Choose —")
    )
    printed_name = LineField(max_length=200, label=_("Name to print"))
    printed_title = LineField(
        max_length=200, label=_("Title to print"), help_text=_("For example: Minister for Digital Policies")
    )
    capacity = LineField(
        max_length=300,
        required=False,
        label=_("Capacity (optional)"),
        help_text=_("For example: for the Government of Catalonia"),
    )
    # The designation this form was made against (services.designation_stamp): a designation made
    # meanwhile by another focal point is never silently replaced (issue 18).
    seen_designation = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, signing_party: SigningParty, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("seen_designation", designation_stamp(signing_party))
        members = Membership.objects.filter(party=signing_party.party, role=Membership.Role.SIGNATORY).select_related(
            "user"
        )
        self.fields["signatory"].queryset = members  # type: ignore[attr-defined]
        self.fields["signatory"].label_from_instance = (  # type: ignore[attr-defined]
            lambda m: f"{m.user.get_full_name() or m.user.get_username()} ({m.user.get_username()})"
        )
        if signing_party.signatory_id:
            self.initial.setdefault("signatory", members.filter(user_id=signing_party.signatory_id).first())
            self.initial.setdefault("printed_name", signing_party.printed_name)
            self.initial.setdefault("printed_title", signing_party.printed_title)
            self.initial.setdefault("capacity", signing_party.capacity)


class _AnswerForm(forms.Form):
    content_hash = forms.CharField(widget=forms.HiddenInput, max_length=64)
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, content_hash: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("content_hash", content_hash)
        self.initial.setdefault("idempotency_key", uuid.uuid4())


class SignForm(_AnswerForm):
    METHODS = [
        (Signature.Method.DRAWN, _("Draw my signature")),
        (Signature.Method.TYPED, _("Sign with my typed name")),
        (Signature.Method.UPLOADED, _("Upload an image")),
    ]

    password = forms.CharField(label=_("Your password"), strip=False, widget=forms.PasswordInput)
    typed_name = LineField(max_length=200, label=_("Type your name as it will be printed"))
    method = forms.ChoiceField(
        choices=METHODS, widget=forms.RadioSelect, initial=Signature.Method.DRAWN, label=_("How you sign")
    )
    drawing = forms.CharField(required=False, widget=forms.HiddenInput, label=_("Drawn signature"))
    image = forms.FileField(required=False, label=_("Signature image (PNG or JPEG, at most 1 MB)"))
    confirm = forms.BooleanField(label=_("I confirm the undertaking above on behalf of my party."))

    def __init__(self, *args: Any, request: AuthenticatedHttpRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request
        self.signature_image: ContentFile[bytes] | None = None
        self.fields["image"].widget.attrs["accept"] = "image/png,image/jpeg"

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        user = self.request.user
        # authenticate() rather than check_password(): failed attempts count towards the lockout.
        if authenticate(self.request, username=user.get_username(), password=password) != user:
            raise forms.ValidationError(_("The password is not correct."), code="password")
        return password

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        method = data.get("method")
        try:
            if method == Signature.Method.DRAWN:
                if not data.get("drawing"):
                    self.add_error("drawing", forms.ValidationError(_("Draw your signature in the box."), code="empty"))
                else:
                    self.signature_image = signature_from_data_url(data["drawing"])
            elif method == Signature.Method.UPLOADED:
                if not data.get("image"):
                    self.add_error("image", forms.ValidationError(_("Choose an image file."), code="empty"))
                else:
                    self.signature_image = signature_from_upload(data["image"])
            elif method == Signature.Method.TYPED and data.get("typed_name"):
                # The name typed below (checked against the printed name by the service) is the signature.
                self.signature_image = signature_from_typed_name(data["typed_name"])
        except ImageError as exc:
            field = {"uploaded": "image", "typed": "typed_name"}.get(str(method), "drawing")
            self.add_error(field, str(exc))
        return data


class DeclineForm(_AnswerForm):
    VISIBILITY = [("public", _("Other parties and the secretariat")), ("secretariat", _("The secretariat only"))]

    reason = TextField(label=_("Why does your party decline?"), widget=forms.Textarea(attrs={"rows": 3}))
    visibility = forms.ChoiceField(
        choices=VISIBILITY, widget=forms.RadioSelect, initial="secretariat", label=_("Who may read the reason")
    )


class RevokeForm(forms.Form):
    reason = TextField(label=_("Reason (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RecordOfflineForm(forms.Form):
    METHODS = [(Signature.Method.PAPER, _("Signed on paper")), (Signature.Method.IN_PERSON, _("Signed in person"))]

    method = forms.ChoiceField(
        choices=METHODS, widget=forms.RadioSelect, initial=Signature.Method.PAPER, label=_("How it was signed")
    )
    printed_name = LineField(max_length=200, label=_("Printed name"))
    printed_title = LineField(max_length=200, label=_("Printed title"))
    capacity = LineField(max_length=300, required=False, label=_("Capacity (optional)"))
    signed_at = IsoDateTimeField(label=_("Signed at"), widget=DateTimeInput())
    scan = forms.FileField(
        required=False, label=_("Scan of the signed page (PDF, PNG or JPEG, at most 10 MB; required on paper)")
    )

    def __init__(self, *args: Any, signing_party: SigningParty, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cleaned_scan: Scan | None = None
        in_reader_zone(self.fields["signed_at"], _("Signed at (%(zone)s)"))
        self.fields["scan"].widget.attrs["accept"] = "application/pdf,image/png,image/jpeg"
        self.initial.setdefault("printed_name", signing_party.printed_name)
        self.initial.setdefault("printed_title", signing_party.printed_title)
        self.initial.setdefault("capacity", signing_party.capacity)
        self.initial.setdefault("signed_at", timezone.now().replace(second=0, microsecond=0))

    def clean_scan(self) -> Any:
        file = self.cleaned_data.get("scan")
        if file:
            try:
                self.cleaned_scan = clean_scan(file)
            except ImageError as exc:
                raise forms.ValidationError(str(exc), code="scan") from exc
        return file


class RecordRefusalForm(forms.Form):
    OUTCOMES = [
        (Signature.Status.DECLINED, _("Declined to sign")),
        (Signature.Status.ABSENT, _("Did not take part")),
    ]
    VISIBILITY = [
        ("public", _("The party's public reason: shown to every party and printed in the PDF")),
        ("secretariat", _("An internal note: read by the secretariat and the party only")),
    ]

    outcome = forms.ChoiceField(
        choices=OUTCOMES,
        widget=forms.RadioSelect,
        initial=Signature.Status.DECLINED,
        label=_("What the party answered"),
    )
    reason = TextField(label=_("Reason or note (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    visibility = forms.ChoiceField(
        choices=VISIBILITY, widget=forms.RadioSelect, initial="secretariat", label=_("What this text is")
    )
