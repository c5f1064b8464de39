"""A published version as Akoma Ntoso 3.0; the version under signature carries its signatories."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.views.decorators.http import require_GET

from config.auth_types import AuthenticatedHttpRequest
from declarations import akn
from declarations.export_views import attachment, language_of, load_version
from declarations.permissions import get_declaration_for
from signing.akn import signatures_for


@require_GET
@login_required
def version_akn(request: AuthenticatedHttpRequest, slug: str, number: int) -> HttpResponse:
    """The version in one language (?language=, default the source language) as Akoma Ntoso 3.0 XML."""
    declaration = get_declaration_for(request.user, slug)
    version = load_version(declaration, number)
    language = language_of(request, declaration, version)
    data = akn.build_akn(
        declaration=declaration, version=version, language=language, signatures=signatures_for(version)
    )
    return attachment(data, akn.AKN_CONTENT_TYPE, f"{slug}-v{version.number}-{language}.akn.xml")
