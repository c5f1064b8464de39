"""Declarations, their sections and clauses (text per language), and published versions."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from signatories.models import Party, Secretariat, pick_language


class Declaration(models.Model):
    """A joint declaration negotiated clause by clause."""

    class Status(models.TextChoices):
        DRAFTING = "drafting", _("Drafting")
        CONSULTATION = "consultation", _("Consultation")
        FINAL = "final", _("Final")
        SIGNING = "signing", _("Signing")
        SIGNED = "signed", _("Signed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    # The one place that says which status may follow which (services check against it).
    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        Status.DRAFTING: {Status.CONSULTATION, Status.FINAL, Status.WITHDRAWN},
        Status.CONSULTATION: {Status.DRAFTING, Status.FINAL, Status.WITHDRAWN},
        Status.FINAL: {Status.DRAFTING, Status.CONSULTATION, Status.SIGNING, Status.WITHDRAWN},
        Status.SIGNING: {Status.DRAFTING, Status.FINAL, Status.SIGNED, Status.WITHDRAWN},
        Status.SIGNED: set(),
        Status.WITHDRAWN: {Status.DRAFTING},
    }

    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    title = models.JSONField(_("title per language"), default=dict)
    languages = models.JSONField(_("languages"), default=list)
    source_language = models.CharField(_("source language"), max_length=16)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFTING)
    # Provenance labels from the imported file ("versions" in the interchange format).
    provenance = models.JSONField(_("provenance"), default=list, blank=True)
    # The organisation that runs it; its members hold secretariat rights on it (services grant them).
    secretariat = models.ForeignKey(
        Secretariat, on_delete=models.PROTECT, null=True, blank=True, related_name="declarations"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["slug"]
        permissions = [
            ("edit_declaration", "Can edit the draft and run the process (secretariat)"),
            ("comment_declaration", "Can take part in comment rounds (participant)"),
            ("sign_declaration", "Can sign for a party (signatory)"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["drafting", "consultation", "final", "signing", "signed", "withdrawn"]),
                name="declaration_status_valid",
            ),
        ]
        verbose_name = _("declaration")
        verbose_name_plural = _("declarations")

    def __str__(self) -> str:
        return self.display_title()

    def display_title(self, language: str | None = None) -> str:
        return pick_language(self.title, language, fallback=self.source_language) or self.slug

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, set())


class DeclarationUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Declaration, on_delete=models.CASCADE)


class DeclarationGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Declaration, on_delete=models.CASCADE)


class DeclarationParty(models.Model):
    """A party taking part in a declaration, as participant or observer."""

    class Role(models.TextChoices):
        PARTICIPANT = "participant", _("Participant")
        OBSERVER = "observer", _("Observer")

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="participations")
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="participations")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.PARTICIPANT)
    added_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["party__short_name"]
        constraints = [
            models.UniqueConstraint(fields=["declaration", "party"], name="declarationparty_unique"),
        ]
        verbose_name = _("participating party")
        verbose_name_plural = _("participating parties")

    def __str__(self) -> str:
        return f"{self.party} in {self.declaration.slug}"


class Section(models.Model):
    """An ordered part of a declaration with a heading per language."""

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="sections")
    key = models.SlugField(_("key"), max_length=100)
    position = models.PositiveIntegerField(_("position"), default=0)
    heading = models.JSONField(_("heading per language"), default=dict)
    revision = models.PositiveIntegerField(default=1)
    # Soft delete: a removed section stays in history and in every published version.
    deleted_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["declaration", "key"], name="section_unique_key"),
        ]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self) -> str:
        return self.display_heading()

    def display_heading(self, language: str | None = None) -> str:
        return pick_language(self.heading, language) or self.key


class Clause(models.Model):
    """An ordered clause within a section; its text lives in one ClauseText per language."""

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="clauses")
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="clauses")
    # Stable across versions, renames and moves: redlines and comments match clauses by key.
    key = models.SlugField(_("key"), max_length=100)
    position = models.PositiveIntegerField(_("position"), default=0)
    deleted_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["section__position", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["declaration", "key"], name="clause_unique_key"),
        ]
        verbose_name = _("clause")
        verbose_name_plural = _("clauses")

    def __str__(self) -> str:
        return self.key


class ClauseText(models.Model):
    """The text of one clause in one language, with its own revision counter."""

    clause = models.ForeignKey(Clause, on_delete=models.CASCADE, related_name="texts")
    language = models.CharField(_("language"), max_length=16)
    text = models.TextField(_("text"), blank=True)
    # Optimistic concurrency: an edit names the revision it started from.
    revision = models.PositiveIntegerField(default=1)
    # Translation drift: set when another language of the clause changed after this one.
    needs_review = models.BooleanField(_("translation needs update"), default=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["clause_id", "language"]
        constraints = [
            models.UniqueConstraint(fields=["clause", "language"], name="clausetext_unique_language"),
        ]
        verbose_name = _("clause text")
        verbose_name_plural = _("clause texts")

    def __str__(self) -> str:
        return f"{self.clause.key} [{self.language}]"


class DeclarationVersion(models.Model):
    """A published, frozen version of a declaration; never changes once written."""

    declaration = models.ForeignKey(Declaration, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("number"))
    label = models.CharField(_("label"), max_length=200)
    note = models.TextField(_("note"), blank=True)
    # Canonical interchange JSON of the whole text at publication (docs/versions.md).
    snapshot = models.JSONField(_("snapshot"))
    content_hash = models.CharField(_("content SHA-256"), max_length=64)
    is_final = models.BooleanField(_("final text"), default=False)
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["declaration_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["declaration", "number"], name="version_unique_number"),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="version_number_positive"),
            # Security review: "exactly one final text per declaration" (the one being signed) was kept
            # only by signing's _make_final; the database now refuses a second final version.
            models.UniqueConstraint(
                fields=["declaration"], condition=models.Q(is_final=True), name="version_one_final_per_declaration"
            ),
        ]
        get_latest_by = "number"
        verbose_name = _("version")
        verbose_name_plural = _("versions")

    def __str__(self) -> str:
        return f"{self.declaration.slug} v{self.number} — {self.label}"

    def save(self, *args: object, **kwargs: object) -> None:
        # Published text is evidence: only the is_final flag may change after the first write.
        if self.pk is not None:
            update_fields = kwargs.get("update_fields")
            if not update_fields or set(update_fields) - {"is_final"}:  # type: ignore[call-overload]
                raise ValueError("Published versions never change.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]
