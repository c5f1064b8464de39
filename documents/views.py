"""PDF pages: request an export, watch it, download it; and the public verification page."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.auth_types import AuthenticatedHttpRequest
from declarations.models import Declaration, DeclarationVersion
from declarations.permissions import get_declaration_for, is_secretariat
from declarations.snapshot import Snapshot

from . import selectors, services
from .editions import submission_edition_issue
from .forms import ExportForm, VerifyForm
from .models import ExportJob, IssuedDocument, Kind
from .sealing import SealConfigurationError


def _versions(declaration: Declaration) -> list[DeclarationVersion]:
    # Snapshots (the whole text, ~1 MB at UN scale) load only for the version actually rendered.
    return list(DeclarationVersion.objects.filter(declaration=declaration).defer("snapshot").order_by("-number"))


def _forms(
    declaration: Declaration, versions: list[DeclarationVersion], data: Any = None, kind: str = ""
) -> dict[str, Any]:
    """The version form and (when signing is closed) the submission form, bound to POST data for one."""
    languages = list(declaration.languages)
    latest = versions[0] if versions else None
    initial_languages = selectors.default_languages(declaration, latest) if latest else languages[:2]
    initial = {"languages": initial_languages, "layout": selectors.default_layout(initial_languages)}
    version_form = ExportForm(
        data if kind == Kind.DRAFT else None,
        versions=versions,
        languages=languages,
        initial={**initial, "version": latest.number if latest else None},
        prefix="draft",
    )
    signing = selectors.submission_signing(declaration)
    submission_form = None
    if signing is not None:
        submission_form = ExportForm(
            data if kind == Kind.SUBMISSION else None,
            versions=[],
            languages=list(Snapshot.from_version(signing.version).languages or languages),
            initial=initial,
            prefix="submission",
        )
    return {"version_form": version_form, "submission_form": submission_form, "signing": signing}


def _page(request: HttpRequest, declaration: Declaration, forms: dict[str, Any], status: int = 200) -> HttpResponse:
    return render(
        request,
        "documents/export.html",
        {
            "declaration": declaration,
            "is_secretariat": is_secretariat(request.user, declaration),
            "submission": selectors.latest_submission(declaration),
            "issued": selectors.issued_documents(declaration),
            "jobs": selectors.recent_jobs(declaration, request.user),
            **forms,
        },
        status=status,
    )


@require_GET
@login_required
def export_page(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    declaration = get_declaration_for(request.user, slug)
    return _page(request, declaration, _forms(declaration, _versions(declaration)))


@require_POST
@login_required
def export_create(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    declaration = get_declaration_for(request.user, slug)
    # An unknown kind falls back to the version form, which then explains what is missing (400).
    kind = request.POST.get("kind", "")
    if kind not in Kind.values:
        kind = Kind.DRAFT
    # Participants and observers download the secretariat's submission PDF; they do not make one.
    if kind == Kind.SUBMISSION and not is_secretariat(request.user, declaration):
        raise PermissionDenied
    versions = _versions(declaration)
    forms = _forms(declaration, versions, request.POST, kind)
    form = forms["version_form"] if kind == Kind.DRAFT else forms["submission_form"]
    if form is None or not form.is_valid():
        if form is None:
            messages.error(request, _("The submission PDF can be made once signing is closed."))
        return _page(request, declaration, forms, status=400)
    if kind == Kind.DRAFT:
        version = next((v for v in versions if v.number == form.cleaned_data.get("version")), None)
    else:
        version = forms["signing"].version
    if version is None:
        raise Http404("No such version.")
    try:
        job = services.export_request(
            declaration=declaration,
            version=version,
            kind=kind,
            languages=form.cleaned_data["languages"],
            layout=form.cleaned_data.get("layout") or None,
            by=request.user,
        )
    except services.ExportError as exc:
        form.add_error(None, str(exc))
        return _page(request, declaration, forms, status=400)
    return redirect("documents:job", slug=declaration.slug, job_id=job.pk)


def _job_for(request: HttpRequest, slug: str, job_id: UUID) -> tuple[Declaration, ExportJob]:
    declaration = get_declaration_for(request.user, slug)
    job = (
        ExportJob.objects.filter(pk=job_id, declaration=declaration)
        .select_related("version", "document", "requested_by")
        .first()
    )
    # Someone else's job is not there for you (the secretariat sees all of its declaration's).
    if job is None or (job.requested_by_id != request.user.pk and not is_secretariat(request.user, declaration)):
        raise Http404("No such export.")
    return declaration, services.export_job_expire_if_stuck(job=job)


def _job_context(request: HttpRequest, declaration: Declaration, job: ExportJob) -> dict[str, Any]:
    return {
        "declaration": declaration,
        "job": job,
        "is_secretariat": is_secretariat(request.user, declaration),
        "verify_url": reverse("documents:verify"),
    }


@require_GET
@login_required
def job_detail(request: AuthenticatedHttpRequest, slug: str, job_id: UUID) -> HttpResponse:
    declaration, job = _job_for(request, slug, job_id)
    return render(request, "documents/job.html", _job_context(request, declaration, job))


@require_GET
@login_required
def job_status(request: AuthenticatedHttpRequest, slug: str, job_id: UUID) -> HttpResponse:
    declaration, job = _job_for(request, slug, job_id)
    response = render(request, "documents/_job_status.html", _job_context(request, declaration, job))
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@login_required
def download(request: AuthenticatedHttpRequest, slug: str, sha256: str) -> FileResponse:
    declaration = get_declaration_for(request.user, slug)
    document = IssuedDocument.objects.filter(declaration=declaration, sha256=sha256).select_related("version").first()
    if document is None:
        raise Http404("No such PDF.")
    response = FileResponse(
        document.file.open("rb"), content_type="application/pdf", as_attachment=True, filename=document.filename()
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_GET
@login_required
def submission_download(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    declaration = get_declaration_for(request.user, slug)
    document = selectors.latest_submission(declaration)
    if document is None:
        messages.info(request, _("The submission PDF has not been issued yet."))
        return redirect("documents:export", slug=declaration.slug)
    return redirect("documents:download", slug=declaration.slug, sha256=document.sha256)


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Public: is this PDF (or this SHA-256) a document Accord issued, unaltered?"""
    result = None
    status = 200
    if request.method == "POST":
        form = VerifyForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                upload = form.cleaned_data.get("file")
                if upload is not None:
                    result = selectors.verify_upload(b"".join(upload.chunks()))
                else:
                    result = selectors.verify_hash(form.cleaned_data["sha256"])
            except SealConfigurationError:
                messages.error(request, _("Verification is not available right now. Please try again later."))
                status = 503
        else:
            status = 400
    else:
        form = VerifyForm()
    return render(request, "documents/verify.html", {"form": form, "result": result}, status=status)


@require_POST
@login_required
def edition_issue(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """The secretariat issues the next edition of the submission PDF, listing the adherences since the last."""
    declaration = get_declaration_for(request.user, slug)
    if not is_secretariat(request.user, declaration):
        raise PermissionDenied
    try:
        job = submission_edition_issue(declaration=declaration, by=request.user)
    except services.ExportError as exc:
        messages.error(request, str(exc))
        return redirect("signing:signing", slug=slug)
    messages.success(request, _("Edition %(n)s of the signed PDF is issued.") % {"n": job.edition})
    return redirect("documents:job", slug=declaration.slug, job_id=job.pk)
