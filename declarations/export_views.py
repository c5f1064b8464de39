"""Downloads of a published version in the formats governments use: Word, Akoma Ntoso, Markdown."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from config.auth_types import AuthenticatedHttpRequest

from . import docx_export, markdown_export
from .models import Declaration, DeclarationVersion
from .permissions import get_declaration_for


def load_version(declaration: Declaration, number: int | str | None) -> DeclarationVersion:
    if number is None or not str(number).isdigit():
        raise Http404("No such version.")
    return get_object_or_404(DeclarationVersion, declaration=declaration, number=int(number))


def language_of(request: AuthenticatedHttpRequest, declaration: Declaration, version: DeclarationVersion) -> str:
    """?language= if the version has it (404 otherwise), else the source language."""
    language = request.GET.get("language") or version.snapshot.get("source_language") or declaration.source_language
    if language not in version.snapshot.get("languages", []):
        raise Http404("No such language.")
    return str(language)


def _languages(request: AuthenticatedHttpRequest, version: DeclarationVersion) -> list[str]:
    available = list(version.snapshot.get("languages", []))
    asked = [code for code in request.GET.get("languages", "").split(",") if code]
    chosen = [code for code in asked if code in available]
    return chosen or available


def attachment(data: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
@login_required
def version_docx(request: AuthenticatedHttpRequest, slug: str, number: int) -> HttpResponse:
    """The version as Word, or with ?compare_to=M the redline from version M as tracked changes."""
    declaration = get_declaration_for(request.user, slug)
    version = load_version(declaration, number)
    compare_to = load_version(declaration, request.GET["compare_to"]) if request.GET.get("compare_to") else None
    layout = docx_export.TABLE if request.GET.get("layout") == "table" else docx_export.SEQUENTIAL
    data = docx_export.build_docx(
        declaration=declaration,
        version=version,
        compare_to=compare_to,
        languages=_languages(request, version),
        layout=layout,
    )
    return attachment(data, docx_export.DOCX_CONTENT_TYPE, docx_export.filename(declaration, version, compare_to))


@require_GET
@login_required
def version_markdown(request: AuthenticatedHttpRequest, slug: str, number: int) -> HttpResponse:
    """The version in one language (?language=, default the source language) as Markdown."""
    declaration = get_declaration_for(request.user, slug)
    version = load_version(declaration, number)
    language = language_of(request, declaration, version)
    text = markdown_export.build_markdown(declaration=declaration, version=version, language=language)
    return attachment(text.encode(), markdown_export.MARKDOWN_CONTENT_TYPE, f"{slug}-v{version.number}-{language}.md")
