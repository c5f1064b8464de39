"""Uploading a file filled offline (an annotated Word export, a comment matrix): preview, then create drafts."""

from __future__ import annotations

import secrets

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.auth_types import AuthenticatedHttpRequest
from declarations.redline import diff_html, diff_text

from .docx_import import plan_docx
from .imports import (
    MAX_UPLOAD,
    FileImportError,
    ImportPlan,
    PlannedComment,
    comments_import,
    mark_duplicates,
    read_upload,
)
from .matrix_import import party_matrix_xlsx, plan_matrix
from .models import Comment
from .permissions import RoundAccess, get_round_for
from .services.common import ConsultationError

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Headroom over the file for the multipart envelope and the other fields.
_ENVELOPE = 64 * 1024


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Annotated Word file (.docx) or comment matrix (.xlsx)"))


def _session_key(access: RoundAccess) -> str:
    return f"accord-import:{access.round.pk}"


def _drafting_access(request: AuthenticatedHttpRequest, slug: str, number: int) -> RoundAccess:
    access = get_round_for(request.user, slug, number)
    if not access.can_draft() or access.party is None:
        raise PermissionDenied
    return access


def _plan(data: bytes, name: str, access: RoundAccess) -> ImportPlan:
    if name.lower().endswith(".xlsx"):
        plan = plan_matrix(data, round=access.round, party=access.party, filename=name)  # type: ignore[arg-type]
    else:
        plan = plan_docx(data, round=access.round, filename=name)
    return mark_duplicates(plan, round=access.round, party=access.party)  # type: ignore[arg-type]


def _rows(plan: ImportPlan) -> list[tuple[PlannedComment, str, SafeString]]:
    """Each planned draft with its type's label and, for a proposal, its redline (escaped by diff_html)."""
    labels = dict(Comment.Kind.choices)
    rows = []
    for item in plan.items:
        redline = diff_html(diff_text(item.base_text, item.proposed_text)) if item.proposed_text else ""
        rows.append((item, str(labels.get(item.kind, item.kind)), SafeString(redline)))
    return rows


@require_http_methods(["GET", "POST"])
@login_required
def import_upload(request: AuthenticatedHttpRequest, slug: str, number: int) -> HttpResponse:
    """A reviewer uploads a file; the preview lists the drafts it will create and what it cannot match."""
    access = _drafting_access(request, slug, number)
    context = {"access": access, "declaration": access.declaration, "round": access.round, "plan": None}
    status = 200
    # Refused on the declared length before Django reads the body into a temporary file.
    if request.method == "POST" and int(request.META.get("CONTENT_LENGTH") or 0) > MAX_UPLOAD + _ENVELOPE:
        form = UploadForm(data={}, files=MultiValueDict())
        form.is_valid()  # bound and empty, so the size message replaces "this field is required"
        form.errors["file"] = form.error_class([_("The file is larger than 50 MB.")])
        return render(request, "consultations/import.html", {**context, "form": form}, status=400)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            plan = _plan(read_upload(upload, extensions=(".docx", ".xlsx")), upload.name or "", access)
        except FileImportError as error:
            form.add_error("file", str(error))
        else:
            token = secrets.token_urlsafe(16)
            request.session[_session_key(access)] = {"token": token, "plan": plan.to_json()}
            context.update(plan=plan, token=token, rows=_rows(plan))
    if form.errors:
        status = 400
    return render(request, "consultations/import.html", {**context, "form": form}, status=status)


@require_POST
@login_required
def import_confirm(request: AuthenticatedHttpRequest, slug: str, number: int) -> HttpResponse:
    """Create the previewed drafts, all or none; the focal point submits them as usual."""
    access = _drafting_access(request, slug, number)
    upload_url = reverse("consultations:import", args=[slug, number])
    pending = request.session.get(_session_key(access))
    if not pending or not secrets.compare_digest(str(pending.get("token")), request.POST.get("token", "")):
        messages.error(request, _("This preview has expired; upload the file again."))
        return redirect(upload_url)
    plan = ImportPlan.from_json(pending["plan"])
    try:
        created = comments_import(round=access.round, party=access.party, plan=plan, by=request.user)  # type: ignore[arg-type]
    except ConsultationError as error:
        messages.error(request, str(error))
        return redirect(upload_url)
    del request.session[_session_key(access)]
    messages.success(
        request,
        _("%(n)d draft comments were created from %(file)s. Your focal point reviews and submits them.")
        % {"n": len(created), "file": plan.filename},
    )
    return redirect(reverse("consultations:round", args=[slug, number]))


@require_GET
@login_required
def party_matrix(request: AuthenticatedHttpRequest, slug: str, number: int) -> HttpResponse:
    """An empty comment matrix for the reviewer's party, to fill offline and upload."""
    access = _drafting_access(request, slug, number)
    languages = access.declaration.languages
    language = request.GET.get("lang") or get_language() or ""
    if language not in languages:
        language = access.declaration.source_language
    data = party_matrix_xlsx(access.round, access.party, language=language)  # type: ignore[arg-type]
    response = HttpResponse(data, content_type=XLSX)
    name = f"{slug}-round{access.round.number}-{access.party.key}-matrix.xlsx"  # type: ignore[union-attr]
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
