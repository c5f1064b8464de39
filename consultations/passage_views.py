"""A clause in a comment round: its text with the passages commented on, and comments on a selected
passage or suggestions made in place (consultations/anchors.py holds the rules)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from config.auth_types import AuthenticatedHttpRequest
from declarations.models import Clause, ClauseText, Declaration

from . import anchors, selectors, services
from .forms import PassageCommentForm, SuggestionForm
from .models import Comment
from .permissions import RoundAccess, can_edit_draft, get_round_for, visible_comments
from .views import ERRORS, _ui_language


def _reading_order(declaration: Declaration) -> list[str]:
    """Keys of the live clauses in reading order (the paragraph number is the place in it, plus one)."""
    return list(
        Clause.objects.filter(declaration=declaration, deleted_at__isnull=True, section__deleted_at__isnull=True)
        .order_by("section__position", "section_id", "position", "id")
        .values_list("key", flat=True)
    )


def _language(request: HttpRequest, declaration: Declaration) -> str:
    for code in (request.GET.get("lang", ""), _ui_language(request)):
        if code in declaration.languages:
            return code
    return declaration.source_language


def _clause_url(access: RoundAccess, key: str, language: str) -> str:
    url = reverse("consultations:clause", args=[access.declaration.slug, access.round.number, key])
    return f"{url}?{urlencode({'lang': language})}"


@require_GET
@login_required
def clause_pick(request: AuthenticatedHttpRequest, slug: str, number: int) -> HttpResponse:
    """The clause chosen in the round page's list (a plain GET form), or the first one."""
    access = get_round_for(request.user, slug, number)
    keys = _reading_order(access.declaration)
    if not keys:
        raise Http404("This declaration has no clauses.")
    key = request.GET.get("clause", "")
    return redirect(_clause_url(access, key if key in keys else keys[0], _language(request, access.declaration)))


@require_http_methods(["GET", "POST"])
@login_required
def clause_page(request: AuthenticatedHttpRequest, slug: str, number: int, key: str) -> HttpResponse:
    access = get_round_for(request.user, slug, number)
    declaration = access.declaration
    clause = get_object_or_404(Clause, declaration=declaration, key=key, deleted_at__isnull=True)
    language = _language(request, declaration)
    current = ClauseText.objects.filter(clause=clause, language=language).first()
    revision = current.revision if current else 0
    comment_form = PassageCommentForm(declaration=declaration, initial={"language": _ui_language(request)})
    suggestion_form = SuggestionForm(
        initial={"proposed_text": current.text if current else "", "base_revision": revision}, language=language
    )
    if request.method == "POST":
        if not access.can_draft():
            raise PermissionDenied
        suggesting = request.POST.get("mode") == "suggest"
        form: PassageCommentForm | SuggestionForm
        if suggesting:
            form = suggestion_form = SuggestionForm(request.POST, language=language)
        else:
            form = comment_form = PassageCommentForm(request.POST, declaration=declaration)
        if form.is_valid():
            data = form.cleaned_data
            try:
                comment = services.comment_create(
                    round=access.round,
                    party=access.party,  # type: ignore[arg-type]
                    kind=Comment.Kind.PROPOSED_TEXT if suggesting else data["kind"],
                    language=language if suggesting else data["language"],
                    text=data["text"],
                    proposed_text=data["proposed_text"] if suggesting else "",
                    clause=clause,
                    anchor=data["anchor"],
                    started_from=data["base_revision"] if suggesting else None,
                    by=request.user,
                )
            except ERRORS as exc:
                form.add_error(None, str(exc))
                if suggesting:
                    # The suggestion now goes against the text shown: saving again is a deliberate act.
                    fresh = request.POST.copy()
                    fresh["base_revision"] = str(revision)
                    suggestion_form = SuggestionForm(fresh, language=language)
                    suggestion_form.is_valid()
                    suggestion_form.add_error(None, str(exc))
            else:
                messages.success(
                    request, _("Your draft is saved. Only your party sees it until the focal point submits.")
                )
                return redirect(_clause_url(access, key, language) + f"#comment-{comment.pk}")
        page = _page(access, clause, language, current, comment_form, suggestion_form)
        return render(request, "consultations/clause_passages.html", page, status=400)
    page = _page(access, clause, language, current, comment_form, suggestion_form)
    return render(request, "consultations/clause_passages.html", page)


def _page(
    access: RoundAccess,
    clause: Clause,
    language: str,
    current: ClauseText | None,
    comment_form: PassageCommentForm,
    suggestion_form: SuggestionForm,
) -> dict[str, Any]:
    now = timezone.now()
    comments = selectors.round_comments(
        visible_comments(access, now).filter(clause=clause).exclude(status=Comment.Status.WITHDRAWN)
    )
    found = anchors.passages(comments)
    spans = [
        (p.location.start, p.location.end, comment_id)
        for comment_id, p in found.items()
        if p.language == language and p.location.start is not None and p.location.end is not None
    ]
    keys = _reading_order(access.declaration)
    place = keys.index(clause.key)
    return {
        "declaration": access.declaration,
        "round": access.round,
        "access": access,
        "clause": clause,
        "paragraph": place + 1,
        "previous": keys[place - 1] if place > 0 else None,
        "next": keys[place + 1] if place + 1 < len(keys) else None,
        "keys": list(enumerate(keys, start=1)),
        "language": language,
        "current": current,
        "text_html": anchors.passage_html(current.text if current else "", spans),
        "cards": [
            {
                "comment": c,
                "passage": found.get(c.pk),
                "redline": selectors.redline(c),
                "editable": can_edit_draft(access, c, now),
            }
            for c in comments
        ],
        "can_draft": access.can_draft(now),
        "comment_form": comment_form,
        "suggestion_form": suggestion_form,
    }
