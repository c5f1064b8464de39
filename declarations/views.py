"""Reading declarations: the dashboard and the declaration page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from signatories.models import Membership

from . import selectors
from .permissions import declarations_for, get_declaration_for, is_secretariat


def _language(request: HttpRequest, name: str, languages: list[str], default: str | None) -> str | None:
    value = request.GET.get(name)
    return value if value in languages else default


@require_GET
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    declarations = (
        declarations_for(request.user)
        .annotate(version_count=Count("versions"), last_version=Max("versions__number"))
        .order_by("slug")
    )
    memberships = Membership.objects.filter(user=request.user).select_related("party")
    return render(request, "declarations/dashboard.html", {"declarations": declarations, "memberships": memberships})


@require_GET
@login_required
def declaration_detail(request: HttpRequest, slug: str) -> HttpResponse:
    declaration = get_declaration_for(request.user, slug)
    languages = list(declaration.languages)
    ui_language = (request.LANGUAGE_CODE or "en").split("-")[0]
    default = ui_language if ui_language in languages else declaration.source_language
    lang = _language(request, "lang", languages, default) or declaration.source_language
    compare = _language(request, "with", languages, None)
    if compare == lang:
        compare = None
    sections = selectors.document(declaration)
    latest = declaration.versions.order_by("-number").first()
    return render(
        request,
        "declarations/detail.html",
        {
            "declaration": declaration,
            "sections": sections,
            "lang": lang,
            "compare": compare,
            "columns": [lang, compare] if compare else [lang],
            "languages": languages,
            "latest_version": latest,
            "is_secretariat": is_secretariat(request.user, declaration),
        },
    )
