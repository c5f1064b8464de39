"""Signing: which version is signed, by whom, how; and the append-only audit log of every event."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Signing(models.Model):
    """The signing of one declaration; its version moves forward when the text is corrected."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    declaration = models.OneToOneField("declarations.Declaration", on_delete=models.PROTECT, related_name="signing")
    version = models.ForeignKey("declarations.DeclarationVersion", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    # {language: text}, printed above the signatures.
    undertaking = models.JSONField(_("undertaking per language"), default=dict)
    deadline = models.DateTimeField(_("deadline"))
    # In order: a party may sign only once every party before it has signed or declined.
    ordered = models.BooleanField(_("sign in order"), default=False)
    opened_at = models.DateTimeField(_("opened at"))
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        # Tables keep the names they had inside signatories (signing/migrations/0001_initial.py).
        db_table = "signatories_signing"
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=["open", "closed"]), name="signing_status_valid"),
        ]
        verbose_name = _("signing")
        verbose_name_plural = _("signings")

    def __str__(self) -> str:
        return f"Signing of {self.declaration.slug} (v{self.version.number})"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class SigningParty(models.Model):
    """A party asked to sign, its place in the order and the person who signs for it."""

    signing = models.ForeignKey(Signing, on_delete=models.CASCADE, related_name="parties")
    party = models.ForeignKey("signatories.Party", on_delete=models.PROTECT, related_name="signings")
    position = models.PositiveIntegerField(_("position"), default=0)
    signatory = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    printed_name = models.CharField(_("name to print"), max_length=200, blank=True)
    printed_title = models.CharField(_("title to print"), max_length=200, blank=True)
    capacity = models.CharField(_("capacity"), max_length=300, blank=True)
    designated_at = models.DateTimeField(null=True, blank=True)
    designated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    # Adherence after close (issue 21): the secretariat invited the party to adhere to the final text.
    adherence_invited_at = models.DateTimeField(_("invited to adhere at"), null=True, blank=True)
    adherence_invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Not asked at the signing: added when invited to adhere, so never listed as "did not answer".
    added_for_adherence = models.BooleanField(_("added to adhere after close"), default=False)

    class Meta:
        db_table = "signatories_signingparty"
        ordering = ["signing_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["signing", "party"], name="signingparty_unique"),
        ]
        verbose_name = _("signing party")
        verbose_name_plural = _("signing parties")

    def __str__(self) -> str:
        return f"{self.party} in {self.signing}"


class StaleTranslationConfirmation(models.Model):
    """The secretariat's confirmation that a version with translations flagged out of date goes to signature."""

    signing = models.ForeignKey(Signing, on_delete=models.PROTECT, related_name="stale_confirmations")
    version = models.ForeignKey("declarations.DeclarationVersion", on_delete=models.PROTECT, related_name="+")
    # [{"clause": key, "number": paragraph, "language": code}]: the texts flagged when the version was published.
    texts = models.JSONField(_("texts flagged out of date"), default=list)
    reason = models.TextField(_("reason"))
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(_("confirmed at"))

    class Meta:
        db_table = "signatories_staletranslationconfirmation"
        ordering = ["signing_id", "confirmed_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["signing", "version"], name="staleconfirmation_one_per_version"),
            models.CheckConstraint(condition=~models.Q(reason=""), name="staleconfirmation_has_reason"),
        ]
        verbose_name = _("confirmation of out-of-date translations")
        verbose_name_plural = _("confirmations of out-of-date translations")

    def __str__(self) -> str:
        return f"{self.signing}: {len(self.texts)} stale translations confirmed"

    def languages(self) -> list[str]:
        return sorted({str(item.get("language", "")) for item in self.texts})


def _signature_path(instance: Signature, filename: str) -> str:
    # Never the uploader's file name: it may carry personal data or path tricks.
    return f"signatures/{uuid.uuid4().hex}.png"


def _scan_path(instance: Signature, filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
    return f"signing-scans/{uuid.uuid4().hex}.{extension}"


class Signature(models.Model):
    """One party's answer to one version: signed, declined or adhered after close; never deleted."""

    class Status(models.TextChoices):
        SIGNED = "signed", _("Signed")
        DECLINED = "declined", _("Declined")
        REVOKED = "revoked", _("Revoked")
        SUPERSEDED = "superseded", _("Superseded")
        # Recorded by the secretariat: the party attended nothing of the signing (issue 21).
        ABSENT = "absent", _("Did not take part")
        # Given after signing closed, on the same text: never a live answer of the signing itself.
        ADHERED = "adhered", _("Adhered")

    class Method(models.TextChoices):
        DRAWN = "drawn", _("Drawn on screen")
        UPLOADED = "uploaded", _("Uploaded image")
        # The signatory's typed name drawn by the server (signing/typed.py): signing without a pointer.
        TYPED = "typed", _("Typed name")
        PAPER = "paper", _("Signed on paper")
        IN_PERSON = "in_person", _("Signed in person")
        DECLINED = "declined", _("Declined")
        ABSENT = "absent", _("Did not take part")

    # One live answer per party: it signed, declined or (recorded by the secretariat) did not take part.
    LIVE = (Status.SIGNED, Status.DECLINED, Status.ABSENT)
    OFFLINE = (Method.PAPER, Method.IN_PERSON)
    SIGNING_METHODS = (Method.DRAWN, Method.UPLOADED, Method.PAPER, Method.IN_PERSON)

    signing = models.ForeignKey(Signing, on_delete=models.PROTECT, related_name="signatures")
    party = models.ForeignKey("signatories.Party", on_delete=models.PROTECT, related_name="signatures")
    version = models.ForeignKey("declarations.DeclarationVersion", on_delete=models.PROTECT, related_name="+")
    # The hash of the text shown to the signer; equals version.content_hash by construction.
    content_hash = models.CharField(_("content SHA-256"), max_length=64)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    method = models.CharField(_("method"), max_length=16, choices=Method.choices)
    # Who signed in the app (null for paper); the secretariat member who recorded an offline signature.
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Copied from the designation at signing time: the printed page must not change with it.
    printed_name = models.CharField(_("printed name"), max_length=200, blank=True)
    printed_title = models.CharField(_("printed title"), max_length=200, blank=True)
    capacity = models.CharField(_("capacity"), max_length=300, blank=True)
    image = models.FileField(_("signature image"), upload_to=_signature_path, blank=True)
    scan = models.FileField(_("scan of the paper signature"), upload_to=_scan_path, blank=True)
    scan_sha256 = models.CharField(max_length=64, blank=True)
    decline_reason = models.TextField(_("reason"), blank=True)
    reason_public = models.BooleanField(_("other parties may read the reason"), default=False)
    signed_at = models.DateTimeField(_("at (UTC)"))
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)
    # One form, one answer: a resubmitted form finds the answer it already created.
    idempotency_key = models.UUIDField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoke_reason = models.TextField(blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)
    superseded_by = models.ForeignKey(
        "declarations.DeclarationVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        db_table = "signatories_signature"
        ordering = ["signing_id", "signed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["signing", "party"],
                condition=models.Q(status__in=["signed", "declined", "absent"]),
                name="signature_one_live_per_party",
            ),
            # One adherence per party; it stands beside the party's answer at the signing (e.g. a decline).
            models.UniqueConstraint(
                fields=["signing", "party"],
                condition=models.Q(status="adhered"),
                name="signature_one_adherence_per_party",
            ),
            models.UniqueConstraint(fields=["idempotency_key"], name="signature_unique_idempotency_key"),
            models.CheckConstraint(
                condition=models.Q(status__in=["signed", "declined", "revoked", "superseded", "absent", "adhered"]),
                name="signature_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="adhered")
                | models.Q(method__in=["drawn", "uploaded", "typed", "paper", "in_person"]),
                name="signature_adherence_is_signed",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    method__in=["drawn", "uploaded", "typed", "paper", "in_person", "declined", "absent"]
                ),
                name="signature_method_valid",
            ),
            # "Did not take part" is its own method and status: never counted as signed or declined.
            models.CheckConstraint(
                condition=(~models.Q(status="absent") | models.Q(method="absent"))
                & (~models.Q(method="absent") | models.Q(status__in=["absent", "revoked", "superseded"])),
                name="signature_absent_is_its_own_method",
            ),
            models.CheckConstraint(
                condition=~models.Q(method="declined") | ~models.Q(status="signed"),
                name="signature_declined_is_not_signed",
            ),
        ]
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")

    def __str__(self) -> str:
        return f"{self.party} {self.status} v{self.version.number}"

    @property
    def is_offline(self) -> bool:
        return self.method in self.OFFLINE

    @property
    def is_adherence(self) -> bool:
        return self.status == self.Status.ADHERED

    @property
    def short_hash(self) -> str:
        return self.content_hash[:12]


class SigningEvent(models.Model):
    """One entry of a declaration's signing audit trail: append-only and hash-chained."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("Signing opened")
        DESIGNATED = "designated", _("Signatory designated")
        SIGNED = "signed", _("Signed")
        DECLINED = "declined", _("Declined")
        REVOKED = "revoked", _("Signature revoked")
        SUPERSEDED = "superseded", _("Signature superseded")
        RECORDED_OFFLINE = "recorded_offline", _("Signature on paper or in person recorded")
        REOPENED = "reopened", _("Signing reopened on a new version")
        CLOSED = "closed", _("Signing closed")
        REFUSAL_RECORDED = "refusal_recorded", _("Refusal or non-participation recorded")
        ADHERENCE_INVITED = "adherence_invited", _("Party invited to adhere")
        ADHERED = "adhered", _("Adhered")
        ADHERENCE_RECORDED = "adherence_recorded", _("Adherence on paper or in person recorded")
        EDITION = "edition", _("New edition of the record")

    declaration = models.ForeignKey("declarations.Declaration", on_delete=models.PROTECT, related_name="+")
    seq = models.PositiveIntegerField()
    kind = models.CharField(max_length=32, choices=Kind.choices)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Names as they were, so the trail reads the same after a user or party is renamed.
    actor_name = models.CharField(max_length=150, blank=True)
    party_key = models.CharField(max_length=64, blank=True)
    version_number = models.PositiveIntegerField(null=True, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    data = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    # HMAC-SHA256 under the key named by key_id (the key itself is never in the database).
    entry_hash = models.CharField(max_length=64)
    key_id = models.CharField(max_length=16, blank=True)
    # The unkeyed SHA-256 an entry had before migration 0003 re-keyed its chain (PDFs sealed before
    # then print it); blank for entries written since.
    legacy_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        db_table = "signatories_signingevent"
        ordering = ["declaration_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["declaration", "seq"], name="signingevent_unique_seq"),
        ]
        verbose_name = _("signing audit entry")
        verbose_name_plural = _("signing audit trail")

    def __str__(self) -> str:
        return f"#{self.seq} {self.kind}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The trail is evidence: written once, never changed through the app.
        if self.pk is not None or self._state.adding is False:
            raise ValueError("Audit entries never change.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("Audit entries are never deleted.")
