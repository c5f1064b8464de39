"""Issued PDFs (every sealed export, registered by the SHA-256 of its bytes) and export jobs."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    DRAFT = "draft", _("Version PDF")
    SUBMISSION = "submission", _("Submission PDF")


class Layout(models.TextChoices):
    SINGLE = "single", _("One language")
    SIDE_BY_SIDE = "side-by-side", _("Two languages side by side")
    SEQUENTIAL = "sequential", _("Languages one after the other")


def _issued_path(instance: IssuedDocument, filename: str) -> str:
    # Named by content: the file name says which bytes it holds and never collides.
    return f"issued-pdfs/{instance.declaration.slug}/{instance.sha256}.pdf"


class IssuedDocument(models.Model):
    """A sealed PDF Accord handed out; /verify/ recognises exactly these bytes."""

    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, unique=True)
    declaration = models.ForeignKey("declarations.Declaration", on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey("declarations.DeclarationVersion", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    languages = models.JSONField(_("languages"), default=list)
    layout = models.CharField(_("layout"), max_length=16, choices=Layout.choices)
    # The version's text hash, copied so verification needs no join and reads as printed.
    content_hash = models.CharField(_("content SHA-256"), max_length=64)
    # SHA-256 over the signatures printed (empty list for version PDFs): two PDFs of one text
    # with different signatures never share a digest.
    signature_digest = models.CharField(_("signature-set digest"), max_length=64)
    # Digest of every input of the rendering (text, options, signatures, events, template
    # revision): the cache key, so the same request never renders twice.
    render_key = models.CharField(max_length=64, unique=True)
    # Submission PDFs: 1 is the record as signing closed it; each later edition adds the parties that
    # adhered since (issue 21). Always 1 for version PDFs.
    edition = models.PositiveIntegerField(_("edition"), default=1)
    # What the holder of the PDF already holds, shown by /verify/: title, version, signatories.
    summary = models.JSONField(_("summary"), default=dict)
    file = models.FileField(_("file"), upload_to=_issued_path, max_length=300)
    size = models.PositiveIntegerField(_("size in bytes"))
    pages = models.PositiveIntegerField(_("pages"))
    created_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=["draft", "submission"]), name="issued_kind_valid"),
            models.CheckConstraint(
                condition=models.Q(layout__in=["single", "side-by-side", "sequential"]), name="issued_layout_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(edition__gte=1) & (models.Q(kind="submission") | models.Q(edition=1)),
                name="issued_edition_valid",
            ),
        ]
        verbose_name = _("issued PDF")
        verbose_name_plural = _("issued PDFs")

    def __str__(self) -> str:
        return f"{self.declaration.slug} v{self.version.number} {self.kind} {self.sha256[:12]}"

    def filename(self) -> str:
        languages = "-".join(self.languages)
        suffix = "submission" if self.kind == Kind.SUBMISSION else f"v{self.version.number}"
        if self.edition > 1:
            suffix += f"-edition-{self.edition}"
        return f"{self.declaration.slug}-{suffix}-{languages}.pdf"


class ExportJob(models.Model):
    """One request for a PDF; the background task moves it through its steps to ready or failed."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RENDERING = "rendering", _("Rendering")
        SEALING = "sealing", _("Sealing")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    # Rendering goes straight to ready when another worker issued the same PDF meanwhile.
    TRANSITIONS = {
        Status.QUEUED: {Status.RENDERING, Status.READY, Status.FAILED},
        Status.RENDERING: {Status.SEALING, Status.READY, Status.FAILED},
        Status.SEALING: {Status.READY, Status.FAILED},
        Status.READY: set(),
        Status.FAILED: set(),
    }
    # The steps a person watches on the job's page, in order.
    STEPS = (Status.QUEUED, Status.RENDERING, Status.SEALING, Status.READY)
    # A job still queued after this is waiting for a worker that may not be running.
    WAITING_LONG = timedelta(minutes=1)

    # Random, so a job's URL cannot be guessed from another's.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    declaration = models.ForeignKey("declarations.Declaration", on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey("declarations.DeclarationVersion", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    languages = models.JSONField(_("languages"), default=list)
    layout = models.CharField(_("layout"), max_length=16, choices=Layout.choices)
    # The edition asked for (submission PDFs): a later edition issued meanwhile does not change what renders.
    edition = models.PositiveIntegerField(_("edition"), default=1)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    document = models.ForeignKey(IssuedDocument, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    error = models.TextField(_("error"), blank=True)
    # The step a failed job was on, so its page can say where it stopped.
    failed_step = models.CharField(_("failed during"), max_length=16, choices=Status.choices, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["queued", "rendering", "sealing", "ready", "failed"]),
                name="exportjob_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="ready") | models.Q(document__isnull=False),
                name="exportjob_ready_has_document",
            ),
        ]
        verbose_name = _("PDF export job")
        verbose_name_plural = _("PDF export jobs")

    def __str__(self) -> str:
        return f"{self.declaration.slug} v{self.version.number} {self.kind} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.READY, self.Status.FAILED)

    def steps(self) -> list[tuple[str, str]]:
        """(label, state) for each step, state "done", "current", "failed" or "todo"."""
        failed = self.status == self.Status.FAILED
        reached = self.STEPS.index(
            self.Status(self.failed_step or self.Status.QUEUED) if failed else self.Status(self.status)
        )
        states = []
        for index, step in enumerate(self.STEPS):
            if index < reached or self.status == self.Status.READY:
                state = "done"
            elif index == reached:
                state = "failed" if failed else "current"
            else:
                state = "todo"
            states.append((str(step.label), state))
        return states

    @property
    def waits_long(self) -> bool:
        """Still queued a while after the request: the worker may not be running."""
        return self.status == self.Status.QUEUED and timezone.now() - self.created_at > self.WAITING_LONG
