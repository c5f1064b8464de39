"""Parties (organisations that comment and sign) and the people who act for them."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


def pick_language(values: dict[str, str], language: str | None = None, fallback: str = "en") -> str:
    """Return the text for the language, falling back to English, then to any language."""
    if not values:
        return ""
    language = (language or get_language() or fallback).split("-")[0]
    return values.get(language) or values.get(fallback) or next(iter(values.values()), "")


class Party(models.Model):
    """An organisation that comments on and signs declarations."""

    class Kind(models.TextChoices):
        NATIONAL = "national government", _("National government")
        REGIONAL = "regional government", _("Regional government")
        INTERNATIONAL = "international organisation", _("International organisation")
        COMPANY = "company", _("Company")
        CIVIL_SOCIETY = "civil society", _("Civil society")
        OTHER = "other", _("Other")

    key = models.SlugField(_("key"), max_length=64, unique=True)
    name = models.JSONField(_("name per language"), default=dict)
    short_name = models.CharField(_("short name"), max_length=100)
    country = models.CharField(_("country code"), max_length=2, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, default=Kind.NATIONAL)
    note = models.TextField(_("note"), blank=True)
    # Every member of the party is in this group; object permissions on declarations go to it.
    group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="party", editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["short_name"]
        verbose_name = _("party")
        verbose_name_plural = _("parties")

    def __str__(self) -> str:
        return self.short_name

    def display_name(self, language: str | None = None) -> str:
        return pick_language(self.name, language) or self.short_name


class Membership(models.Model):
    """A user acting for a party in one role."""

    class Role(models.TextChoices):
        REVIEWER = "reviewer", _("Reviewer")
        FOCAL_POINT = "focal_point", _("Focal point")
        SIGNATORY = "signatory", _("Signatory")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["party__short_name", "role", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "party", "role"], name="membership_unique_role"),
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} — {self.party} ({self.get_role_display()})"


class NotificationPreference(models.Model):
    """A user's choice about e-mail notifications (on unless turned off)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email_enabled = models.BooleanField(_("send me e-mail notifications"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.user}: {'on' if self.email_enabled else 'off'}"


class MailDelivery(models.Model):
    """One e-mail to one recipient: queued after the change commits, sent by a background task, retried.

    A failed delivery never reaches the request that caused it (issue 18); it stays here, visible to
    the secretariat of the declaration, with the error and the time of the next attempt.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        RETRYING = "retrying", _("Failed, will retry")
        FAILED = "failed", _("Failed")

    declaration = models.ForeignKey(
        "declarations.Declaration", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    to_address = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField()
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["declaration", "status"]), models.Index(fields=["status", "next_attempt_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["queued", "sent", "retrying", "failed"]),
                name="maildelivery_status_valid",
            ),
        ]
        verbose_name = _("e-mail delivery")
        verbose_name_plural = _("e-mail deliveries")

    def __str__(self) -> str:
        return f"{self.to_address}: {self.subject} ({self.status})"


# People live in their own module; imported here so Django finds their models.
from .people_models import AccountSettings, Invitation, Secretariat  # noqa: E402

__all__ = [
    "AccountSettings",
    "Invitation",
    "MailDelivery",
    "Membership",
    "NotificationPreference",
    "Party",
    "Secretariat",
    "pick_language",
]
