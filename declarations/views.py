"""Reading and drafting declarations: the page, in-place editing, versions and redlines."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext
from django.views.decorators.http import condition, require_GET, require_http_methods, require_POST

from config.auth_types import AuthenticatedHttpRequest

from . import caching, forms, redline, selectors, services
from .models import Clause, ClauseText, Declaration, Section
from .numbering import draft_paragraphs, paragraph_label
from .permissions import EDIT, get_declaration_for, is_secretariat
from .services.common import DeclarationError


def _detail_state(request: AuthenticatedHttpRequest, slug: str) -> tuple[dict[str, Any], str]:
    """The reading and the body's cache key; worked out once per request (the ETag needs them too)."""
    memo: tuple[dict[str, Any], str] | None = request.__dict__.get("_accord_detail")
    if memo is None:
        declaration = get_declaration_for(request.user, slug)
        stamp = caching.draft_stamp(declaration)  # before the text: see caching.py
        reading = _reading(request, declaration, prefer_ui_language=True)
        shown = {"lang": reading["lang"], "with": reading["compare"]}
        memo = reading, caching.page_key("detail", declaration, request.user, stamp=stamp, shown=shown)
        request.__dict__["_accord_detail"] = memo
    return memo


def _detail_etag(request: AuthenticatedHttpRequest, slug: str) -> str | None:
    return caching.page_etag(request, _detail_state(request, slug)[1])


def _detail_text_url(reading: dict[str, Any], key: str) -> str:
    """The address of the text under `key`: it changes whenever the text (or who may see what) does."""
    slug = reading["declaration"].slug
    return reverse("declarations:detail_text", args=[slug, caching.key_digest(key)]) + "?" + reading["view_query"]


def _detail_content(reading: dict[str, Any], key: str) -> str:
    """Everything below the top bar, the same for every reader with the same permissions and view.

    At UN scale it is ~250 ms of rendering and 0.4-1 MB: it is cached (caching.py).
    """
    declaration = reading["declaration"]

    def render_content() -> str:
        # Without the snapshot: the header shows number and label; the snapshot is the whole text (~1 MB).
        latest = declaration.versions.defer("snapshot").order_by("-number").first()
        context = {
            **reading,
            "sections": selectors.document(declaration),
            "latest_version": latest,
            "drifted_count": len(selectors.drifted_texts(declaration)) if reading["is_secretariat"] else 0,
        }
        return render_to_string("declarations/_detail_content.html", context)

    return mark_safe(caching.cached_body(key, render_content))  # noqa: S308 - our own rendered template


@require_GET
@login_required
@condition(etag_func=_detail_etag)  # a browser's repeat view of an unchanged text is a 304
def declaration_detail(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """The per-user page: the top bar and the address of the text, which the browser loads (and keeps)."""
    reading, key = _detail_state(request, slug)
    response = render(request, "declarations/detail.html", {**reading, "text_url": _detail_text_url(reading, key)})
    patch_cache_control(response, private=True, no_cache=True)
    return response


@require_GET
@login_required
def declaration_text(request: AuthenticatedHttpRequest, slug: str, digest: str) -> HttpResponse:
    """The declaration's text at an address made from its cache key (caching.py).

    htmx loads it into the page; the body never changes at this address, so the browser keeps it
    (`immutable`) until an edit, a new version or another permission set gives another address. The
    address is checked against the reader's own key: another reader's (or an outdated) address
    sends them to the page, which names the current one. Without JavaScript the page links here and
    gets the text inside a whole page instead.
    """
    reading, key = _detail_state(request, slug)
    if digest != caching.key_digest(key):
        if _is_htmx(request):
            return HttpResponse(status=204, headers={"HX-Refresh": "true"})
        return redirect(_detail_url(reading))
    content = _detail_content(reading, key)
    if _is_htmx(request):
        response = HttpResponse(content)
        patch_cache_control(response, private=True, max_age=caching.IMMUTABLE_MAX_AGE, immutable=True)
    else:
        response = render(request, "declarations/detail.html", {**reading, "content_html": content})
        patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ["HX-Request"])
    return response


# --- Drafting ---------------------------------------------------------------------------------


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _reading(request: HttpRequest, declaration: Declaration, *, prefer_ui_language: bool = False) -> dict[str, Any]:
    """Which language(s) the page shows; carried through edits so a swap keeps the same columns."""
    data = request.POST if request.method == "POST" else request.GET
    languages = list(declaration.languages)
    default = declaration.source_language
    if prefer_ui_language:
        ui_language = (get_language() or "en").split("-")[0]
        default = ui_language if ui_language in languages else default
    lang = data.get("lang") if data.get("lang") in languages else default
    compare = data.get("with") if data.get("with") in languages and data.get("with") != lang else None
    shown = {"lang": lang, **({"with": compare} if compare else {})}
    return {
        "declaration": declaration,
        "lang": lang,
        "compare": compare,
        "columns": [lang, compare] if compare else [lang],
        "languages": languages,
        "is_secretariat": is_secretariat(request.user, declaration),
        "view_query": urlencode(shown),
        # The same as JSON members, for htmx's hx-vals on the clause tools.
        "view_vals": json.dumps(shown)[1:-1],
    }


def _detail_url(reading: dict[str, Any], anchor: str = "") -> str:
    url = reverse("declarations:detail", args=[reading["declaration"].slug]) + "?" + reading["view_query"]
    return url + (f"#{anchor}" if anchor else "")


def _live_clause(declaration: Declaration, key: str) -> Clause:
    clauses = Clause.objects.select_related("section")
    return get_object_or_404(clauses, declaration=declaration, key=key, deleted_at=None)


def _render_document(request: HttpRequest, reading: dict[str, Any], **extra: Any) -> HttpResponse:
    """The document body (htmx target #document) after a change that renumbers paragraphs."""
    sections = selectors.document(reading["declaration"])
    return render(request, "declarations/_document.html", {**reading, "sections": sections, **extra})


def _render_clause(request: HttpRequest, reading: dict[str, Any], key: str, **extra: Any) -> HttpResponse:
    cv = selectors.clause_view(reading["declaration"], key)
    if cv is None:
        raise Http404("No such clause.")
    return render(request, "declarations/_clause.html", {**reading, "cv": cv, **extra})


def _after_change(request: HttpRequest, reading: dict[str, Any], message: str, *, clause_key: str = "") -> HttpResponse:
    """htmx gets the re-rendered document; a plain form post gets a message and a redirect."""
    if _is_htmx(request):
        return _render_document(request, reading, notice=message)
    messages.success(request, message)
    return redirect(_detail_url(reading, f"clause-{clause_key}" if clause_key else ""))


def _refuse_frozen(request: HttpRequest, declaration: Declaration) -> HttpResponse | None:
    """A signed (or withdrawn) declaration's edit and publish pages say why instead of offering a form."""
    reason = services.frozen_reason(declaration)
    if reason is None:
        return None
    if _is_htmx(request):
        return HttpResponse(reason, status=409, content_type="text/plain; charset=utf-8")
    messages.error(request, reason)
    return redirect("declarations:detail", slug=declaration.slug)


@require_http_methods(["GET", "POST"])
@login_required
def clause_edit(request: AuthenticatedHttpRequest, slug: str, key: str, language: str) -> HttpResponse:
    """Edit one language of one clause in place; a stale revision shows the conflict view."""
    declaration = get_declaration_for(request.user, slug, EDIT)
    if language not in declaration.languages:
        raise Http404("No such language.")
    clause = _live_clause(declaration, key)
    if frozen := _refuse_frozen(request, declaration):
        return frozen
    texts = {t.language: t for t in ClauseText.objects.filter(clause=clause).select_related("updated_by")}
    current = texts.get(language)
    reading = _reading(request, declaration)
    others = [texts[code] for code in declaration.languages if code != language and code in texts]
    context: dict[str, Any] = {
        **reading,
        "clause": clause,
        "language": language,
        "current": current,
        "others": others,
        "paragraphs": draft_paragraphs(declaration),
    }
    status = 200
    if request.method == "POST":
        form = forms.ClauseTextForm(request.POST)
        if form.is_valid():
            text = form.cleaned_data["text"]
            try:
                services.clause_text_update(
                    clause=clause,
                    language=language,
                    text=text,
                    base_revision=form.cleaned_data["base_revision"],
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except services.EditConflict as conflict:
                base_text = selectors.text_at_revision(conflict.current, conflict.base_revision) or ""
                # A fresh form: the user's own text, but the revision they have now seen.
                form = forms.ClauseTextForm(
                    initial={
                        "text": text,
                        "base_revision": conflict.current.revision,
                        "reason": form.cleaned_data["reason"],
                    }
                )
                context.update(
                    conflict=conflict,
                    current=conflict.current,
                    theirs=redline.diff_html(redline.diff_text(base_text, conflict.current.text)),
                    yours=redline.diff_html(redline.diff_text(base_text, text.replace("\r\n", "\n"))),
                )
                status = 409
            except DeclarationError as error:
                form.add_error(None, str(error))
                status = 400
            else:
                if _is_htmx(request):
                    return _render_clause(request, reading, key, saved_language=language)
                messages.success(request, gettext("The clause was saved."))
                return redirect(_detail_url(reading, f"clause-{key}"))
        else:
            status = 400
    else:
        form = forms.ClauseTextForm(
            initial={"text": current.text if current else "", "base_revision": current.revision if current else 0}
        )
    context["form"] = form
    if _is_htmx(request):
        # htmx swaps only 2xx responses; the conflict is in the content.
        return render(request, "declarations/_clause_form.html", context)
    return render(request, "declarations/clause_edit.html", context, status=status)


@require_GET
@login_required
def clause_block(request: AuthenticatedHttpRequest, slug: str, key: str) -> HttpResponse:
    """One clause as the reading page shows it (what Cancel swaps back in)."""
    declaration = get_declaration_for(request.user, slug)
    reading = _reading(request, declaration)
    if not _is_htmx(request):
        return redirect(_detail_url(reading, f"clause-{key}"))
    # Back from the editor, the keyboard is where it was: on that language's Edit button.
    return _render_clause(request, reading, key, focus_language=request.GET.get("focus", ""))


@require_POST
@login_required
def clause_confirm(request: AuthenticatedHttpRequest, slug: str, key: str, language: str) -> HttpResponse:
    """Confirm that a flagged translation still says the same as the changed language."""
    declaration = get_declaration_for(request.user, slug, EDIT)
    clause = _live_clause(declaration, key)
    reading = _reading(request, declaration)
    try:
        services.clause_translation_confirm(clause=clause, language=language, by=request.user)
    except DeclarationError as error:
        messages.error(request, str(error))
        return redirect(_detail_url(reading, f"clause-{key}"))
    if _is_htmx(request):
        return _render_clause(request, reading, key)
    messages.success(request, gettext("The translation was confirmed."))
    return redirect(_detail_url(reading, f"clause-{key}"))


@require_GET
@login_required
def clause_tools(request: AuthenticatedHttpRequest, slug: str, key: str) -> HttpResponse:
    """The clause's move, delete and confirm forms, for a browser without JavaScript.

    With JavaScript the tools next to each clause post with htmx (the CSRF token in a header), so
    the cached page body carries no token (caching.py); without it their links lead here.
    """
    declaration = get_declaration_for(request.user, slug, EDIT)
    _live_clause(declaration, key)
    reading = _reading(request, declaration)
    cv = selectors.clause_view(declaration, key)
    if cv is None:
        raise Http404("No such clause.")
    template = "declarations/_clause_tools.html" if _is_htmx(request) else "declarations/clause_tools.html"
    return render(request, template, {**reading, "cv": cv})


@require_POST
@login_required
def clause_delete(request: AuthenticatedHttpRequest, slug: str, key: str) -> HttpResponse:
    """Soft-delete a clause: gone from the draft, kept in history and versions, restorable."""
    declaration = get_declaration_for(request.user, slug, EDIT)
    clause = _live_clause(declaration, key)
    reading = _reading(request, declaration)
    form = forms.ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    was = paragraph_label(draft_paragraphs(declaration), key)
    try:
        services.clause_delete(clause=clause, by=request.user, reason=reason)
    except DeclarationError as error:
        messages.error(request, str(error))
        return redirect(_detail_url(reading))
    message = gettext("%(paragraph)s was deleted. It stays in history and can be restored.") % {"paragraph": was}
    if _is_htmx(request):
        return _render_document(request, reading, notice=message, undo_key=key)
    messages.success(request, message)
    return redirect(_detail_url(reading))


@require_POST
@login_required
def clause_restore(request: AuthenticatedHttpRequest, slug: str, key: str) -> HttpResponse:
    """Bring a deleted clause back into the draft."""
    declaration = get_declaration_for(request.user, slug, EDIT)
    clause = get_object_or_404(Clause, declaration=declaration, key=key)
    reading = _reading(request, declaration)
    try:
        services.clause_restore(clause=clause, by=request.user)
    except DeclarationError as error:
        messages.error(request, str(error))
        return redirect("declarations:deleted", slug=slug)
    now = paragraph_label(draft_paragraphs(declaration), key)
    return _after_change(request, reading, gettext("%(paragraph)s was restored.") % {"paragraph": now}, clause_key=key)


@require_POST
@login_required
def clause_move(request: AuthenticatedHttpRequest, slug: str, key: str) -> HttpResponse:
    """Move a clause one place up or down (across section borders), or to the end of another section."""
    declaration = get_declaration_for(request.user, slug, EDIT)
    clause = _live_clause(declaration, key)
    reading = _reading(request, declaration)
    sections = selectors.document(declaration)
    target_key = request.POST.get("section")
    direction = request.POST.get("direction")
    place = next(
        ((si, ci) for si, sv in enumerate(sections) for ci, cv in enumerate(sv.clauses) if cv.clause.pk == clause.pk),
        None,
    )
    if place is None:
        raise Http404("No such clause.")
    si, ci = place
    target, index = sections[si], ci
    if target_key:
        target = next((sv for sv in sections if sv.section.key == target_key), None)  # type: ignore[assignment]
        if target is None:
            raise Http404("No such section.")
        index = len(target.clauses)
    elif direction == "up":
        if ci > 0:
            index = ci - 1
        elif si > 0:
            target, index = sections[si - 1], len(sections[si - 1].clauses)
    elif direction == "down":
        if ci < len(sections[si].clauses) - 1:
            index = ci + 1
        elif si < len(sections) - 1:
            target, index = sections[si + 1], 0
    else:
        return HttpResponseBadRequest("direction or section required")
    was = paragraph_label(draft_paragraphs(declaration), key)
    try:
        services.clause_move(clause=clause, section=target.section, index=index, by=request.user)
    except DeclarationError as error:
        messages.error(request, str(error))
        return redirect(_detail_url(reading))
    now = draft_paragraphs(declaration).get(key)
    message = gettext("%(paragraph)s was moved; it is now paragraph %(number)s.") % {"paragraph": was, "number": now}
    return _after_change(request, reading, message, clause_key=key)


@require_http_methods(["GET", "POST"])
@login_required
def clause_add(request: AuthenticatedHttpRequest, slug: str, section_key: str) -> HttpResponse:
    """Add a clause at the end of a section, or right after the clause named in `after`."""
    declaration = get_declaration_for(request.user, slug, EDIT)
    section = get_object_or_404(Section, declaration=declaration, key=section_key, deleted_at=None)
    reading = _reading(request, declaration)
    data = request.POST if request.method == "POST" else request.GET
    after = Clause.objects.filter(section=section, key=data.get("after", ""), deleted_at=None).first()
    form = forms.ClauseAddForm(request.POST or None, declaration=declaration)
    if request.method == "POST" and form.is_valid():
        try:
            clause = services.clause_add(
                section=section,
                texts=form.texts(),
                after=after,
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except DeclarationError as error:
            form.add_error(None, str(error))
        else:
            return _after_change(request, reading, gettext("The clause was added."), clause_key=clause.key)
    context = {**reading, "form": form, "section": section, "after": after, "paragraphs": draft_paragraphs(declaration)}
    if _is_htmx(request):
        response = render(request, "declarations/_clause_add.html", context)
        if request.method == "POST":
            # The form posts into #document; errors go back into the form itself.
            response["HX-Retarget"] = f"#add-{section.key}-{after.key if after else 'end'}"
            response["HX-Reswap"] = "outerHTML"
        return response
    return render(request, "declarations/clause_add.html", context, status=400 if form.errors else 200)


@require_GET
@login_required
def deleted_list(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Deleted clauses and sections, each with Restore (secretariat only)."""
    declaration = get_declaration_for(request.user, slug, EDIT)
    return render(
        request,
        "declarations/deleted.html",
        {
            **_reading(request, declaration),
            "clauses": selectors.deleted_clauses(declaration),
            "sections": selectors.deleted_sections(declaration),
        },
    )


@require_GET
@login_required
def clause_history(request: AuthenticatedHttpRequest, slug: str, key: str) -> HttpResponse:
    """Every revision of a clause per language, with author, time, reason and the redline to the previous one."""
    declaration = get_declaration_for(request.user, slug)
    clause = get_object_or_404(Clause.objects.select_related("section"), declaration=declaration, key=key)
    revisions = selectors.clause_revisions(clause)
    languages = [code for code in declaration.languages if code in revisions]
    rows = {
        code: [
            (rev, redline.diff_html(redline.diff_text(rev.previous, rev.text)) if rev.previous is not None else None)
            for rev in revisions[code]
        ]
        for code in languages
    }
    return render(
        request,
        "declarations/clause_history.html",
        {
            **_reading(request, declaration),
            "clause": clause,
            "paragraphs": draft_paragraphs(declaration),
            "history_languages": languages,
            "rows": rows,
            "events": selectors.clause_events(clause),
        },
    )


# --- Sections ---------------------------------------------------------------------------------
