"""Sections of the draft: add, rename, move, delete and restore (the secretariat's structure)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from config.auth_types import AuthenticatedHttpRequest

from . import forms, services
from .models import Clause, Section
from .permissions import EDIT, get_declaration_for
from .services.common import DeclarationError
from .views import _detail_url, _reading


@require_http_methods(["GET", "POST"])
@login_required
def section_add(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Add a section (at the end, or after the section named in `after`)."""
    declaration = get_declaration_for(request.user, slug, EDIT)
    reading = _reading(request, declaration)
    data = request.POST if request.method == "POST" else request.GET
    after = Section.objects.filter(declaration=declaration, key=data.get("after", ""), deleted_at=None).first()
    form = forms.SectionForm(request.POST or None, declaration=declaration)
    if request.method == "POST" and form.is_valid():
        try:
            section = services.section_add(
                declaration=declaration,
                heading=form.texts(),
                after=after,
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except DeclarationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, gettext("The section was added. Add its first clause below its heading."))
            return redirect(_detail_url(reading, f"section-{section.key}"))
    return render(
        request,
        "declarations/section_form.html",
        {**reading, "form": form, "after": after, "section": None},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def section_edit(request: AuthenticatedHttpRequest, slug: str, key: str) -> HttpResponse:
    """Change a section's heading in each language."""
    declaration = get_declaration_for(request.user, slug, EDIT)
    section = get_object_or_404(Section, declaration=declaration, key=key, deleted_at=None)
    reading = _reading(request, declaration)
    initial: dict[str, Any] = {f"text_{code}": section.heading.get(code, "") for code in declaration.languages}
    initial["base_revision"] = section.revision
    form = forms.SectionForm(request.POST or None, declaration=declaration, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.section_update(
                section=section,
                heading=form.texts(),
                base_revision=form.cleaned_data["base_revision"] or 0,
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except DeclarationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, gettext("The heading was saved."))
            return redirect(_detail_url(reading, f"section-{key}"))
    live = list(
        Section.objects.filter(declaration=declaration, deleted_at=None)
        .order_by("position", "id")
        .values_list("pk", flat=True)
    )
    return render(
        request,
        "declarations/section_form.html",
        {
            **reading,
            "form": form,
            "section": section,
            "is_first": live[:1] == [section.pk],
            "is_last": live[-1:] == [section.pk],
            "has_clauses": Clause.objects.filter(section=section, deleted_at=None).exists(),
        },
        status=400 if form.errors else 200,
    )


@require_POST
@login_required
def section_move(request: AuthenticatedHttpRequest, slug: str, key: str) -> HttpResponse:
    """Move a section one place up or down."""
    declaration = get_declaration_for(request.user, slug, EDIT)
    section = get_object_or_404(Section, declaration=declaration, key=key, deleted_at=None)
    reading = _reading(request, declaration)
    keys = list(
        Section.objects.filter(declaration=declaration, deleted_at=None)
        .order_by("position", "id")
        .values_list("key", flat=True)
    )
    index = keys.index(key) + (-1 if request.POST.get("direction") == "up" else 1)
    try:
        services.section_move(section=section, index=max(index, 0), by=request.user)
    except DeclarationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, gettext("The section was moved."))
    return redirect(_detail_url(reading, f"section-{key}"))


@require_POST
@login_required
def section_delete(request: AuthenticatedHttpRequest, slug: str, key: str) -> HttpResponse:
    """Soft-delete an empty section."""
    declaration = get_declaration_for(request.user, slug, EDIT)
    section = get_object_or_404(Section, declaration=declaration, key=key, deleted_at=None)
    reading = _reading(request, declaration)
    try:
        services.section_delete(section=section, by=request.user)
    except DeclarationError as error:
        messages.error(request, str(error))
        return redirect(_detail_url(reading, f"section-{key}"))
    messages.success(request, gettext("The section was deleted. It can be restored from the deleted items."))
    return redirect(_detail_url(reading))


@require_POST
@login_required
def section_restore(request: AuthenticatedHttpRequest, slug: str, key: str) -> HttpResponse:
    """Bring a deleted section back."""
    declaration = get_declaration_for(request.user, slug, EDIT)
    section = get_object_or_404(Section, declaration=declaration, key=key)
    reading = _reading(request, declaration)
    services.section_restore(section=section, by=request.user)
    messages.success(request, gettext("The section was restored."))
    return redirect(_detail_url(reading, f"section-{key}"))


# --- Versions and redlines --------------------------------------------------------------------
