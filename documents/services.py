"""Every write for PDFs: request an export, run it (render, seal, register), job state changes.

A job moves queued → rendering → sealing → ready (or failed), one committed step at a time, so
the job's page, which polls, shows where it is (ExportJob.TRANSITIONS lists the moves).
"""

from __future__ import annotations

import hashlib
import io
import logging
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.reader import PdfFileReader

from config.auth_types import User
from declarations.models import Declaration, DeclarationVersion
from declarations.snapshot import Snapshot

from . import selectors
from .compose import produce_pdf
from .models import ExportJob, IssuedDocument, Kind, Layout

logger = logging.getLogger(__name__)

# Far longer than any render takes (a 100-page UN-scale PDF needs ~15 s): a job still "rendering"
# after this lost its worker (a crash, a redeploy), and would otherwise spin forever.
RENDER_TIMEOUT = timedelta(minutes=15)


class ExportError(Exception):
    """A PDF request the declaration's state or the options do not allow; the message is for the user."""


def export_options(*, version: DeclarationVersion, languages: list[str], layout: str | None) -> tuple[list[str], str]:
    """Check languages and layout against the version; return them normalised."""
    available = list(Snapshot.from_version(version).languages)
    languages = list(dict.fromkeys(languages))
    if not languages:
        raise ExportError(_("Choose at least one language."))
    unknown = [code for code in languages if code not in available]
    if unknown:
        raise ExportError(_("This version has no text in %(languages)s.") % {"languages": ", ".join(unknown)})
    if len(languages) == 1:
        return languages, Layout.SINGLE
    layout = layout or selectors.default_layout(languages)
    if layout == Layout.SIDE_BY_SIDE and len(languages) != 2:
        raise ExportError(_("Side by side prints exactly two languages."))
    if layout not in (Layout.SIDE_BY_SIDE, Layout.SEQUENTIAL):
        raise ExportError(_("Choose side by side or one language after the other."))
    return languages, layout


def _data(
    *, version: DeclarationVersion, kind: str, languages: list[str], layout: str, edition: int | None = None
) -> selectors.DocumentData:
    try:
        return selectors.document_data(version=version, kind=kind, languages=languages, layout=layout, edition=edition)
    except selectors.NotAvailable as exc:
        if edition is not None and selectors.submission_signing(version.declaration) is not None:
            raise ExportError(_("There is no edition %(n)s of the signed record.") % {"n": edition}) from exc
        raise ExportError(_("The submission PDF can be made once signing is closed.")) from exc


def document_issue(
    *,
    version: DeclarationVersion,
    kind: str,
    languages: list[str],
    layout: str | None,
    by: User | None,
    before_sealing: Callable[[], object] | None = None,
    edition: int | None = None,
) -> IssuedDocument:
    """Render, seal and register a PDF, or return the one already issued for the same inputs.

    `edition`: which edition of a submission PDF (the latest when None; ignored for version PDFs).
    """
    languages, layout = export_options(version=version, languages=languages, layout=layout)
    data = _data(
        version=version,
        kind=kind,
        languages=languages,
        layout=layout,
        edition=edition if kind == Kind.SUBMISSION else None,
    )
    key = data.render_key()
    existing = IssuedDocument.objects.filter(render_key=key).first()
    if existing is not None:
        return existing
    pdf = produce_pdf(data, images=selectors.signature_images(data), before_sealing=before_sealing)
    document = IssuedDocument(
        sha256=hashlib.sha256(pdf).hexdigest(),
        declaration=version.declaration,
        version=version,
        kind=kind,
        languages=languages,
        layout=layout,
        content_hash=version.content_hash,
        signature_digest=data.signature_digest(),
        render_key=key,
        edition=data.edition,
        summary=data.summary(),
        size=len(pdf),
        pages=_page_count(pdf),
        created_by=by,
    )
    # The file goes to storage first: a row never points at bytes that are not there.
    document.file.save(f"{document.sha256}.pdf", ContentFile(pdf), save=False)
    try:
        with transaction.atomic():
            document.save()
    except IntegrityError:
        # Two workers rendered the same request at once: keep the first, drop our copy.
        if document.file.name:
            default_storage.delete(document.file.name)
        return IssuedDocument.objects.get(render_key=key)
    logger.info("Issued %s PDF %s for %s v%s", kind, document.sha256, version.declaration.slug, version.number)
    return document


def _page_count(pdf: bytes) -> int:
    return int(PdfFileReader(io.BytesIO(pdf), strict=False).root["/Pages"]["/Count"])


def export_request(
    *,
    declaration: Declaration,
    version: DeclarationVersion,
    kind: str,
    languages: list[str],
    layout: str | None,
    by: User,
    edition: int | None = None,
) -> ExportJob:
    """Ask for a PDF: answered at once from an issued document, otherwise queued for the worker.

    A submission PDF is of one edition (the latest when None), fixed now: the job renders that one.
    """
    if version.declaration_id != declaration.pk:
        raise ExportError(_("This version belongs to another declaration."))
    if kind not in Kind.values:
        raise ExportError(_("Unknown kind of PDF."))
    languages, layout = export_options(version=version, languages=languages, layout=layout)
    data = _data(
        version=version,
        kind=kind,
        languages=languages,
        layout=layout,
        edition=edition if kind == Kind.SUBMISSION else None,
    )
    key = data.render_key()
    existing = IssuedDocument.objects.filter(render_key=key).first()
    with transaction.atomic():
        job = ExportJob.objects.create(
            declaration=declaration,
            version=version,
            kind=kind,
            languages=languages,
            layout=layout,
            edition=data.edition,
            requested_by=by,
            status=ExportJob.Status.READY if existing else ExportJob.Status.QUEUED,
            document=existing,
            finished_at=timezone.now() if existing else None,
        )
        if existing is None:
            transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _enqueue(job_id: uuid.UUID) -> None:
    from .tasks import render_export

    result = render_export.enqueue(str(job_id))
    # The immediate backend has already run the task (and moved the job on) by now.
    ExportJob.objects.filter(pk=job_id, task_id="").update(task_id=result.id)


def export_job_start(*, job_id: uuid.UUID | str) -> ExportJob | None:
    """Queued → rendering; None when the job is gone or another worker took it."""
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status != ExportJob.Status.QUEUED:
            return None
        job.status = ExportJob.Status.RENDERING
        job.started_at = timezone.now()
        job.save(update_fields=["status", "started_at"])
    return job


def export_job_sealing(*, job: ExportJob) -> ExportJob:
    """Rendering → sealing: the PDF is laid out, the seal comes next."""
    with transaction.atomic():
        locked = ExportJob.objects.select_for_update().get(pk=job.pk)
        if ExportJob.Status.SEALING not in ExportJob.TRANSITIONS[ExportJob.Status(locked.status)]:
            # Expired meanwhile (failed): the worker carries on, but the job stays as it is.
            return locked
        locked.status = ExportJob.Status.SEALING
        locked.save(update_fields=["status"])
    return locked


def export_job_finish(*, job: ExportJob, document: IssuedDocument) -> ExportJob:
    """Rendering or sealing → ready, pointing at the issued document."""
    with transaction.atomic():
        locked = ExportJob.objects.select_for_update().get(pk=job.pk)
        if ExportJob.Status.READY not in ExportJob.TRANSITIONS[ExportJob.Status(locked.status)]:
            return locked
        locked.status = ExportJob.Status.READY
        locked.document = document
        locked.finished_at = timezone.now()
        locked.save(update_fields=["status", "document", "finished_at"])
    return locked


def export_job_fail(*, job: ExportJob, error: str) -> ExportJob:
    """Any step → failed, with the reason for the secretariat and the step it stopped at."""
    with transaction.atomic():
        locked = ExportJob.objects.select_for_update().get(pk=job.pk)
        if ExportJob.Status.FAILED not in ExportJob.TRANSITIONS[ExportJob.Status(locked.status)]:
            return locked
        locked.failed_step = locked.status
        locked.status = ExportJob.Status.FAILED
        locked.error = error[:2000]
        locked.finished_at = timezone.now()
        locked.save(update_fields=["status", "failed_step", "error", "finished_at"])
    return locked


def export_job_run(*, job_id: uuid.UUID | str) -> ExportJob | None:
    """What the background task does: take the job, issue the document, record the outcome."""
    job = export_job_start(job_id=job_id)
    if job is None:
        return None
    try:
        document = document_issue(
            version=job.version,
            kind=job.kind,
            languages=job.languages,
            layout=job.layout,
            by=job.requested_by,
            before_sealing=lambda: export_job_sealing(job=job),
            edition=job.edition,
        )
    except Exception as exc:
        # Any failure (seal not configured, a broken image, the archival check) ends the job
        # visibly instead of leaving it "rendering" forever.
        logger.exception("PDF export %s failed", job.pk)
        return export_job_fail(job=job, error=f"{type(exc).__name__}: {exc}")
    return export_job_finish(job=job, document=document)


def export_job_expire_if_stuck(*, job: ExportJob, now: datetime | None = None) -> ExportJob:
    """End a job whose worker died mid-render as failed, so the page stops waiting and says so."""
    now = now or timezone.now()
    working = job.status in (ExportJob.Status.RENDERING, ExportJob.Status.SEALING)
    if not working or job.started_at is None or now - job.started_at < RENDER_TIMEOUT:
        return job
    logger.warning("PDF export %s expired after %s in %s", job.pk, now - job.started_at, job.status)
    return export_job_fail(job=job, error="The worker stopped before the PDF was ready (timed out).")
