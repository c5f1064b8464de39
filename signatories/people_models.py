"""Secretariats (organisations that run declarations), invitations and each person's settings."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Secretariat(models.Model):
    """An organisation whose members create declarations and run them."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("short name"), max_length=40, unique=True)
    # Every member is in this group; secretariat rights on each of its declarations go to it.
    group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="secretariat", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("secretariat")
        verbose_name_plural = _("secretariats")

    def __str__(self) -> str:
        return self.name


class AccountSettings(models.Model):
    """A person's interface language and time zone; e-mails to them use both."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_settings")
    language = models.CharField(_("interface language"), max_length=16, default=settings.LANGUAGE_CODE)
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("account settings")
        verbose_name_plural = _("account settings")

    def __str__(self) -> str:
        return f"{self.user}: {self.language}, {self.time_zone}"


class Invitation(models.Model):
    """An e-mailed, single-use, expiring link that lets a person join a secretariat or a party."""

    class Target(models.TextChoices):
        SECRETARIAT = "secretariat", _("Secretariat")
        PARTY = "party", _("Party")

    email = models.EmailField(_("e-mail"))
    target = models.CharField(_("invited to"), max_length=16, choices=Target.choices)
    secretariat = models.ForeignKey(
        Secretariat, on_delete=models.CASCADE, null=True, blank=True, related_name="invitations"
    )
    party = models.ForeignKey("signatories.Party", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    role = models.CharField(_("role"), max_length=16, blank=True)
    language = models.CharField(_("language of the invitation"), max_length=16, default=settings.LANGUAGE_CODE)
    # Only the SHA-256 of the token is stored: a copy of the database cannot be used to accept.
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(target="secretariat", secretariat__isnull=False, party__isnull=True, role="")
                    | models.Q(
                        target="party",
                        secretariat__isnull=True,
                        party__isnull=False,
                        role__in=["reviewer", "focal_point", "signatory"],
                    )
                ),
                name="invitation_target_consistent",
            ),
        ]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.email} → {self.secretariat or self.party}"

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None

    def role_label(self) -> str:
        from .models import Membership

        if self.target == self.Target.SECRETARIAT:
            return str(_("Secretariat member"))
        return str(Membership.Role(self.role).label)

    def place(self) -> str:
        return str(self.secretariat) if self.secretariat_id else self.party.display_name()  # type: ignore[union-attr]
