"""Published versions: the list, one version as published, publishing the draft, and the redline."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from config.auth_types import AuthenticatedHttpRequest

from . import caching, forms, redline, selectors, services
from .models import Declaration, DeclarationVersion
from .permissions import EDIT, get_declaration_for
from .services.common import DeclarationError
from .snapshot import Snapshot
from .views import _reading, _refuse_frozen


@require_GET
@login_required
def version_list(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Every published version with its label, date, publisher and SHA-256."""
    declaration = get_declaration_for(request.user, slug)
    # Deferred: the list shows labels and hashes; each snapshot is the whole text (~1 MB at UN scale).
    versions = declaration.versions.select_related("published_by").defer("snapshot").order_by("-number")
    return render(
        request,
        "declarations/versions.html",
        {**_reading(request, declaration), "versions": versions},
    )


@require_GET
@login_required
def version_detail(request: AuthenticatedHttpRequest, slug: str, number: int) -> HttpResponse:
    """Exactly what was published: rendered from the stored snapshot, never from live rows."""
    declaration = get_declaration_for(request.user, slug)
    version = get_object_or_404(
        DeclarationVersion.objects.select_related("published_by"), declaration=declaration, number=number
    )
    frozen = Snapshot.from_version(version)
    languages = list(frozen.languages or declaration.languages)
    data = request.GET
    lang = data.get("lang") if data.get("lang") in languages else (frozen.source_language or languages[0])
    compare = data.get("with") if data.get("with") in languages and data.get("with") != lang else None
    previous = declaration.versions.filter(number__lt=number).order_by("-number").values_list("number", flat=True)
    return render(
        request,
        "declarations/version_detail.html",
        {
            "declaration": declaration,
            "version": version,
            "title": frozen.title,
            "sections": frozen.sections,
            "lang": lang,
            "compare": compare,
            "columns": [lang, compare] if compare else [lang],
            "languages": languages,
            "previous_number": previous.first(),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def version_publish(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Publish the draft as the next named version; lists clauses whose translation needs an update."""
    declaration = get_declaration_for(request.user, slug, EDIT)
    if frozen := _refuse_frozen(request, declaration):
        return frozen
    drifted = selectors.drifted_texts(declaration)
    form = forms.PublishForm(request.POST or None, initial={"note": request.GET.get("note", "")})
    if request.method == "POST" and form.is_valid():
        try:
            version = services.version_publish(
                declaration=declaration,
                label=form.cleaned_data["label"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except DeclarationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                gettext("Version %(number)s “%(label)s” was published.")
                % {"number": version.number, "label": version.label},
            )
            return redirect("declarations:version", slug=slug, number=version.number)
    return render(
        request,
        "declarations/version_publish.html",
        {**_reading(request, declaration), "form": form, "drifted": drifted},
        status=400 if form.errors else 200,
    )


def _snapshot_for(declaration: Declaration, ref: str) -> Any:
    if ref == selectors.DRAFT:
        return selectors.declaration_snapshot(declaration)
    version = declaration.versions.filter(number=int(ref)).only("snapshot").first()
    if version is None:
        raise Http404("No such version.")
    return version.snapshot


def _redline(declaration: Declaration, old_ref: str, new_ref: str, lang: str) -> redline.DocumentDiff:
    return redline.diff_documents(_snapshot_for(declaration, old_ref), _snapshot_for(declaration, new_ref), lang)


def _compare_state(request: AuthenticatedHttpRequest, slug: str) -> tuple[dict[str, Any], str, Callable[[], str]]:
    """What the compare page shows, the cache key of its redline and how to render it."""
    declaration = get_declaration_for(request.user, slug)
    hashes: dict[int, str] = dict(declaration.versions.order_by("number").values_list("number", "content_hash"))
    numbers = list(hashes)
    refs = [str(n) for n in numbers] + [selectors.DRAFT]

    def pick(name: str, default: str) -> str:
        value = request.GET.get(name, default)
        return value if value in refs else default

    old_ref = pick("from", str(numbers[-1]) if numbers else selectors.DRAFT)
    new_ref = pick("to", selectors.DRAFT)
    lang = request.GET.get("lang") or ""
    if lang not in declaration.languages:
        lang = declaration.source_language
    mode = "side" if request.GET.get("view") == "side" else "inline"
    show_all = request.GET.get("all") == "1"
    context = {
        "declaration": declaration,
        "refs": refs,
        "old_ref": old_ref,
        "new_ref": new_ref,
        "lang": lang,
        "languages": declaration.languages,
        "mode": mode,
        "show_all": show_all,
        "draft": selectors.DRAFT,
        "query": urlencode(
            {"from": old_ref, "to": new_ref, "lang": lang, "view": mode, **({"all": "1"} if show_all else {})}
        ),
    }

    # A published version never changes, so its number and content hash name its text; the draft
    # is named by its stamp, read before the text (caching.draft_stamp).
    draft = caching.draft_stamp(declaration) if selectors.DRAFT in (old_ref, new_ref) else ""

    def names(ref: str) -> str:
        return f"draft:{draft}" if ref == selectors.DRAFT else f"{ref}:{hashes[int(ref)]}"

    def render_content() -> str:
        diff = _redline(declaration, old_ref, new_ref, lang)
        return render_to_string("declarations/_compare_content.html", {**context, "diff": diff})

    # Rendering the redline of 400 clauses is most of the page's cost, and it shows nothing of the
    # request or the user (a GET form): it is cached by what it shows.
    shown = {"refs": refs, "from": old_ref, "to": new_ref, "lang": lang, "mode": mode, "all": show_all}
    key = caching.page_key(
        "compare", declaration, request.user, stamp=f"{names(old_ref)}|{names(new_ref)}", shown=shown
    )
    return context, key, render_content


@require_GET
@login_required
def compare(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Redline between two versions, or a version and the current draft, in one language.

    The page names the redline's own address, which the browser loads and keeps (compare_text).
    """
    context, key, _ = _compare_state(request, slug)
    address = reverse("declarations:compare_text", args=[slug, caching.key_digest(key)])
    return render(request, "declarations/compare.html", {**context, "text_url": f"{address}?{context['query']}"})


@require_GET
@login_required
def compare_text(request: AuthenticatedHttpRequest, slug: str, digest: str) -> HttpResponse:
    """The redline at an address made from its cache key, as the declaration's text (decision 97).

    Both sides are named by content hash (or the draft's stamp), so the body never changes at this
    address: htmx gets it `immutable`. An address that is not the reader's own key sends them to the
    compare page; without JavaScript the page links here and gets the redline inside a whole page.
    """
    context, key, render_content = _compare_state(request, slug)
    htmx = request.headers.get("HX-Request") == "true"
    if digest != caching.key_digest(key):
        if htmx:
            return HttpResponse(status=204, headers={"HX-Refresh": "true"})
        return redirect(reverse("declarations:compare", args=[slug]) + "?" + context["query"])
    content = mark_safe(caching.cached_body(key, render_content))  # noqa: S308 - our own rendered template
    if htmx:
        response = HttpResponse(content)
        patch_cache_control(response, private=True, max_age=caching.IMMUTABLE_MAX_AGE, immutable=True)
    else:
        response = render(request, "declarations/compare.html", {**context, "content_html": content})
        patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ["HX-Request"])
    return response
