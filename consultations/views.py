"""Comment rounds: thin views over the loaders in permissions.py and the services."""

from __future__ import annotations

import functools
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.auth_types import AuthenticatedHttpRequest
from declarations import caching
from declarations.models import ClauseText, DeclarationVersion
from declarations.numbering import version_paragraphs
from declarations.permissions import get_declaration_for
from declarations.services.common import DeclarationError

from . import matrix, selectors, services
from .forms import CloseForm, CommentForm, RoundForm, target_value
from .models import Comment, CommentRound, RoundInvitation
from .permissions import (
    RoundAccess,
    access_for,
    can_edit_draft,
    can_see_thread,
    get_comment_for,
    get_round_for,
    others_visible,
    visible_comments,
)

ERRORS = (services.ConsultationError, DeclarationError)

# Comment cards per page of a round (a UN-wide round holds thousands).
COMMENTS_PER_PAGE = 50


def _ui_language(request: HttpRequest) -> str:
    return (getattr(request, "LANGUAGE_CODE", None) or "en").split("-")[0]


def _round_url(access: RoundAccess) -> str:
    return reverse("consultations:round", args=[access.declaration.slug, access.round.number])


def _require_secretariat(access: RoundAccess) -> None:
    if not access.is_secretariat:
        raise PermissionDenied


@require_GET
@login_required
def round_list(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    declaration = get_declaration_for(request.user, slug)
    access = access_for(request.user, declaration)
    # Without the snapshots: the list shows version numbers, not the text (~1 MB per version at UN scale).
    rounds = list(declaration.comment_rounds.select_related("version").defer("version__snapshot").order_by("-number"))
    return render(
        request,
        "consultations/round_list.html",
        {"declaration": declaration, "access": access, "rounds": rounds, "now": timezone.now()},
    )


@require_http_methods(["GET", "POST"])
@login_required
def round_new(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    declaration = get_declaration_for(request.user, slug)
    if not access_for(request.user, declaration).is_secretariat:
        raise PermissionDenied
    form = RoundForm(request.POST or None, declaration=declaration)
    if request.method == "POST" and form.is_valid():
        try:
            round_ = services.round_open(
                declaration=declaration,
                version=form.cleaned_data["version"],
                deadline=form.cleaned_data["deadline"],
                visibility=form.cleaned_data["visibility"],
                parties=form.cleaned_data["parties"],
                instructions=form.cleaned_data["instructions"],
                by=request.user,
            )
        except ERRORS as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Comment round %(number)s is open.") % {"number": round_.number})
            return redirect("consultations:round", slug=declaration.slug, number=round_.number)
    return render(request, "consultations/round_new.html", {"declaration": declaration, "form": form})


@require_GET
@login_required
def round_detail(request: AuthenticatedHttpRequest, slug: str, number: int) -> HttpResponse:
    access = get_round_for(request.user, slug, number)
    round_ = access.round
    assert round_ is not None
    now = timezone.now()
    visible = visible_comments(access, now)
    # Drafts are only ever the viewer's own party's (none without a party); they stay on top of every page.
    drafts = selectors.round_comments(visible.filter(status=Comment.Status.DRAFT)) if access.party else []
    party_filter = request.GET.get("party", "")
    stamp = selectors.round_stamp(round_)
    shared = {
        "round": round_.number,
        "party": access.party.pk if access.party else None,
        "filter": party_filter,
        "open": round_.is_open(now),
        "others_visible": others_visible(access, now),
    }

    def listing() -> tuple[int, int, list[int]]:
        # At UN scale a round holds thousands of comments: a page shows COMMENTS_PER_PAGE of them,
        # loaded by id so the heavy joins run for that page only.
        listed_qs = visible.exclude(status=Comment.Status.DRAFT)
        if party_filter:
            listed_qs = listed_qs.filter(party__key=party_filter)
        ids = listed_qs.order_by("number", "created_at", "id").values_list("pk", flat=True)
        found = Paginator(ids, COMMENTS_PER_PAGE).get_page(request.GET.get("page"))
        return found.paginator.count, found.number, list(found.object_list)

    # Which comments the page lists changes only with the round (its stamp): counted once per change.
    requested = {**shared, "page": request.GET.get("page", "")}
    count, number, listed_ids = caching.cached_body(
        caching.page_key("round-listing", access.declaration, request.user, stamp=stamp, shown=requested), listing
    )
    page = Page(listed_ids, number, Paginator(range(count), COMMENTS_PER_PAGE))
    invitation = round_.invitations.filter(party=access.party).first() if access.invited and access.party else None

    def cards_for(comments: list[Comment]) -> list[dict[str, Any]]:
        where = selectors.reflected_in(comments)
        return [
            {
                "comment": c,
                "redline": selectors.redline(c),
                "reflected_in": where.get(c.pk),
                "editable": can_edit_draft(access, c, now),
                "thread": can_see_thread(access, c),
            }
            for c in comments
        ]

    # The submitted comments of this page, the tracker and the reflection summary are the same for
    # every viewer of the same party and permissions until something in the round changes: they are
    # cached fragments ({% cache %} in the template) under one key, made by caching.page_key from the
    # round's stamp; the template asks for the data (the callables below) only on a miss.
    shown = {**shared, "comments": listed_ids}
    fragments = caching.page_key("round", access.declaration, request.user, stamp=stamp, shown=shown)
    tracker = functools.cache(lambda: selectors.round_tracker(round_))
    # Cards name a clause by its paragraph number in the round's version (read only when a card is rendered).
    paragraphs = functools.cache(lambda: version_paragraphs(round_.version))

    filter_query = urlencode({"party": party_filter}) if party_filter else ""
    return render(
        request,
        "consultations/round_detail.html",
        {
            "declaration": access.declaration,
            "access": access,
            "round": round_,
            "is_open": round_.is_open(now),
            "fragments": fragments,
            "fragment_ttl": caching.BODY_TTL,
            "draft_cards": cards_for(drafts),
            "listed_cards": lambda: cards_for(selectors.round_comments(Comment.objects.filter(pk__in=listed_ids))),
            "draft_count": len(drafts),
            "invitation": invitation,
            "tracker": tracker,
            "paragraphs": paragraphs,
            "page": page,
            "party_filter": party_filter,
            "filter_query": filter_query,
            "others_visible": others_visible(access, now),
            "can_draft": access.can_draft(now),
            "can_submit": access.can_submit(now),
            "close_form": CloseForm(),
            "reflection": (lambda: selectors.reflection_summary(round_, _ui_language(request)))
            if access.is_secretariat
            else "",
        },
    )


@require_POST
@login_required
def round_close(request: AuthenticatedHttpRequest, slug: str, number: int) -> HttpResponse:
    access = get_round_for(request.user, slug, number)
    _require_secretariat(access)
    form = CloseForm(request.POST)
    form.is_valid()
    try:
        services.round_close(round=access.round, reason=form.cleaned_data.get("reason", ""), by=request.user)
    except ERRORS as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The comment round is closed."))
    return redirect(_round_url(access))


def _clause_texts(access: RoundAccess) -> dict[str, dict[str, dict[str, object]]]:
    texts: dict[str, dict[str, dict[str, object]]] = {}
    for t in ClauseText.objects.filter(clause__declaration=access.declaration, clause__deleted_at__isnull=True):
        texts.setdefault(f"c:{t.clause_id}", {})[t.language] = {"text": t.text, "revision": t.revision}
    return texts


def _comment_form_page(
    request: HttpRequest, access: RoundAccess, form: CommentForm, comment: Comment | None
) -> HttpResponse:
    return render(
        request,
        "consultations/comment_form.html",
        {
            "declaration": access.declaration,
            "round": access.round,
            "access": access,
            "form": form,
            "comment": comment,
            "clause_texts": _clause_texts(access),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def comment_new(request: AuthenticatedHttpRequest, slug: str, number: int) -> HttpResponse:
    access = get_round_for(request.user, slug, number)
    if not access.can_draft():
        raise PermissionDenied
    declaration = access.declaration
    initial: dict[str, object] = {
        "target": request.GET.get("target", "d"),
        "kind": request.GET.get("kind", Comment.Kind.GENERAL),
        "language": request.GET.get("lang") or _ui_language(request),
    }
    if initial["kind"] == Comment.Kind.PROPOSED_TEXT:
        # Without JavaScript the proposal starts from the clause's current text, ready to edit.
        current = _clause_texts(access).get(str(initial["target"]), {}).get(str(initial["language"]))
        initial["proposed_text"] = current["text"] if current else ""
    form = CommentForm(
        request.POST or None, initial=initial, declaration=declaration, ui_language=_ui_language(request)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.comment_create(
                round=access.round,
                party=access.party,  # type: ignore[arg-type]
                kind=data["kind"],
                language=data["language"],
                text=data["text"],
                proposed_text=data["proposed_text"],
                clause=data["clause"],
                section=data["section"],
                by=request.user,
            )
        except ERRORS as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Your draft is saved. Only your party sees it until the focal point submits."))
            return redirect(_round_url(access))
    return _comment_form_page(request, access, form, None)


@require_http_methods(["GET", "POST"])
@login_required
def comment_edit(request: AuthenticatedHttpRequest, slug: str, number: int, comment_id: int) -> HttpResponse:
    access, comment = get_comment_for(request.user, slug, number, comment_id)
    if not can_edit_draft(access, comment):
        raise PermissionDenied
    initial = {
        "target": target_value(comment),
        "kind": comment.kind,
        "language": comment.language,
        "text": comment.text,
        "proposed_text": comment.proposed_text,
    }
    form = CommentForm(
        request.POST or None, initial=initial, declaration=access.declaration, ui_language=_ui_language(request)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.comment_update(
                comment=comment,
                kind=data["kind"],
                language=data["language"],
                text=data["text"],
                proposed_text=data["proposed_text"],
                clause=data["clause"],
                section=data["section"],
                by=request.user,
            )
        except ERRORS as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The draft is saved."))
            return redirect(_round_url(access))
    return _comment_form_page(request, access, form, comment)


@require_POST
@login_required
def comment_discard(request: AuthenticatedHttpRequest, slug: str, number: int, comment_id: int) -> HttpResponse:
    access, comment = get_comment_for(request.user, slug, number, comment_id)
    try:
        services.comment_discard(comment=comment, by=request.user)
    except ERRORS as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The draft is discarded."))
    return redirect(_round_url(access))


@require_POST
@login_required
def party_submit(request: AuthenticatedHttpRequest, slug: str, number: int) -> HttpResponse:
    access = get_round_for(request.user, slug, number)
    if access.party is None or not access.invited:
        raise PermissionDenied
    try:
        if request.POST.get("answer") == "no_comments":
            services.party_submit_no_comments(round=access.round, party=access.party, by=request.user)
            messages.success(request, _("Your party's answer “no comments” is recorded."))
        else:
            submitted = services.party_submit(round=access.round, party=access.party, by=request.user)
            messages.success(request, _("%(count)s comments submitted for your party.") % {"count": len(submitted)})
    except ERRORS as exc:
        messages.error(request, str(exc))
    return redirect(_round_url(access))


@require_GET
@login_required
def matrix_download(request: AuthenticatedHttpRequest, slug: str, number: int, fmt: str) -> HttpResponse:
    access = get_round_for(request.user, slug, number)
    _require_secretariat(access)
    if fmt not in ("xlsx", "csv"):
        raise Http404("No such format.")
    round_ = access.round
    assert round_ is not None
    filename = f"{access.declaration.slug}-round-{round_.number}-comments.{fmt}"
    if fmt == "xlsx":
        response = HttpResponse(
            matrix.matrix_xlsx(round_),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(matrix.matrix_csv(round_), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _publish_url(slug: str, note: str) -> str | None:
    """The drafting publish page with the note prefilled, when that page exists."""
    for name in ("declarations:version_publish", "declarations:publish"):
        try:
            return reverse(name, args=[slug]) + "?" + urlencode({"note": note})
        except NoReverseMatch:
            continue
    return None


@require_GET
@login_required
def reflection(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    declaration = get_declaration_for(request.user, slug)
    if not access_for(request.user, declaration).is_secretariat:
        raise PermissionDenied
    # Deferred: the page lists versions by number; each snapshot is the whole text (~1 MB at UN scale).
    versions = declaration.versions.defer("snapshot").order_by("-number")
    version: DeclarationVersion | None = versions.first()
    if request.GET.get("version", "").isdigit():
        version = versions.filter(number=int(request.GET["version"])).first() or version
    rounds: list[CommentRound] = list(version.comment_rounds.order_by("number")) if version else []
    summaries = {
        lang: selectors.version_reflection_summary(version=version, language=lang)
        for lang in declaration.languages
        if version is not None and lang in selectors.PHRASES
    }
    note = "\n\n".join(s for s in summaries.values() if s)
    return render(
        request,
        "consultations/reflection.html",
        {
            "declaration": declaration,
            "version": version,
            "versions": versions,
            "rounds": rounds,
            "reflections": selectors.party_reflections(rounds) if rounds else [],
            "summaries": summaries,
            "note": note,
            "publish_url": _publish_url(declaration.slug, note) if note else None,
            "is_latest": version is not None and version == versions.first(),
            "Response": RoundInvitation.Response,
        },
    )
