"""One comment on the record: its page, the secretariat's decision, withdrawal and replies."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from config.auth_types import AuthenticatedHttpRequest
from declarations import caching
from declarations.models import ClauseText
from declarations.numbering import version_paragraphs
from signatories.notifications import undelivered_count

from . import anchors, selectors, services
from .forms import DispositionForm, ReasonForm, ReplyForm
from .models import Comment
from .permissions import RoundAccess, can_see_thread, get_comment_for
from .views import ERRORS, _require_secretariat


@require_GET
@login_required
def comment_detail(request: AuthenticatedHttpRequest, slug: str, number: int, comment_id: int) -> HttpResponse:
    access, comment = get_comment_for(request.user, slug, number, comment_id)
    return _comment_page(request, access, comment)


def _comment_page(
    request: HttpRequest,
    access: RoundAccess,
    comment: Comment,
    *,
    disposition_form: DispositionForm | None = None,
    withdraw_form: ReasonForm | None = None,
    reply_form: ReplyForm | None = None,
    status: int = 200,
) -> HttpResponse:
    now = timezone.now()
    current = None
    if comment.clause_id:
        current = ClauseText.objects.filter(clause_id=comment.clause_id, language=comment.language).first()
    dispose_key = None
    if disposition_form is None and access.is_secretariat:
        initial = {
            "disposition": comment.disposition or None,
            "reason": comment.disposition_reason,
            "text": comment.proposed_text,
            "base_revision": current.revision if current else None,
            "seen_revision": comment.disposition_revision,
        }
        disposition_form = DispositionForm(initial=initial)
        # The unsent form shows only these values, the comment's type and language and the clause's
        # current text: its HTML is cached under them (the CSRF token stays outside the fragment).
        shown = {"comment": comment.pk, "initial": initial, "kind": comment.kind, "language": comment.language}
        shown["current"] = [current.pk, current.revision, current.text] if current else None
        dispose_key = caching.page_key("comment-dispose", access.declaration, request.user, stamp="", shown=shown)
    thread = can_see_thread(access, comment)
    passage = anchors.passages([comment]).get(comment.pk)
    return render(
        request,
        "consultations/comment_detail.html",
        {
            "declaration": access.declaration,
            "round": access.round,
            "access": access,
            "comment": comment,
            "paragraphs": lambda: version_paragraphs(access.round.version) if access.round else {},
            "redline": selectors.redline(comment),
            "passage": passage,
            "passage_html": anchors.passage_in_clause(passage) if passage else "",
            "current": current,
            "moved_on": bool(comment.is_proposal and current and current.revision != comment.base_revision),
            "reflected_in": selectors.reflected_in([comment]).get(comment.pk),
            "thread": thread,
            "replies": comment.replies.select_related("author", "party") if thread else [],
            "can_dispose": access.is_secretariat
            and comment.status == Comment.Status.SUBMITTED
            and not comment.applied_history_id,
            "can_withdraw": access.is_focal
            and access.party is not None
            and comment.party_id == access.party.pk
            and comment.status == Comment.Status.SUBMITTED
            and not comment.disposition
            and access.round is not None
            and access.round.is_open(now),
            "can_reply": thread and comment.status != Comment.Status.DRAFT,
            "disposition_form": disposition_form,
            "dispose_key": dispose_key,
            "fragment_ttl": caching.BODY_TTL,
            "withdraw_form": withdraw_form or ReasonForm(),
            "reply_form": reply_form or ReplyForm(),
            "undelivered": undelivered_count(access.declaration) if access.is_secretariat else 0,
        },
        status=status,
    )


def _comment_url(access: RoundAccess, comment: Comment) -> str:
    return reverse("consultations:comment", args=[access.declaration.slug, comment.round.number, comment.pk])


@require_POST
@login_required
def comment_dispose(request: AuthenticatedHttpRequest, slug: str, number: int, comment_id: int) -> HttpResponse:
    access, comment = get_comment_for(request.user, slug, number, comment_id)
    _require_secretariat(access)
    form = DispositionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.comment_dispose(
                comment=comment,
                disposition=data["disposition"],
                reason=data["reason"],
                apply=bool(data["apply"])
                and comment.is_proposal
                and data["disposition"]
                in (
                    Comment.Disposition.ACCEPTED,
                    Comment.Disposition.ACCEPTED_MODIFIED,
                ),
                text=data["text"] or None,
                base_revision=data["base_revision"],
                seen_revision=data["seen_revision"],
                by=request.user,
            )
        except services.DispositionConflict as conflict:
            # 409 with the other decision on the page; the form now carries its revision, so sending
            # it again is a deliberate change of that decision.
            fresh = request.POST.copy()
            fresh["seen_revision"] = str(conflict.current.disposition_revision)
            form = DispositionForm(fresh)
            form.is_valid()
            form.add_error(None, str(conflict))
            return _comment_page(request, access, conflict.current, disposition_form=form, status=409)
        except ERRORS as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("The disposition of comment #%(number)s is recorded.") % {"number": comment.number}
            )
            return redirect(_comment_url(access, comment))
    return _comment_page(request, access, comment, disposition_form=form, status=400)


@require_POST
@login_required
def comment_withdraw(request: AuthenticatedHttpRequest, slug: str, number: int, comment_id: int) -> HttpResponse:
    access, comment = get_comment_for(request.user, slug, number, comment_id)
    if access.party is None or comment.party_id != access.party.pk:
        raise PermissionDenied
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            services.comment_withdraw(comment=comment, reason=form.cleaned_data["reason"], by=request.user)
        except ERRORS as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The comment is withdrawn; it stays on the record as withdrawn."))
            return redirect(_comment_url(access, comment))
    return _comment_page(request, access, comment, withdraw_form=form, status=400)


@require_POST
@login_required
def comment_reply(request: AuthenticatedHttpRequest, slug: str, number: int, comment_id: int) -> HttpResponse:
    access, comment = get_comment_for(request.user, slug, number, comment_id)
    if not can_see_thread(access, comment):
        raise PermissionDenied
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            services.comment_reply(comment=comment, text=form.cleaned_data["text"], by=request.user)
        except ERRORS as exc:
            form.add_error(None, str(exc))
        else:
            return redirect(_comment_url(access, comment) + "#replies")
    return _comment_page(request, access, comment, reply_form=form, status=400)
