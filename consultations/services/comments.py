"""A party's comments: drafting, editing, discarding, submitting (or “no comments”) and withdrawing."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from config.auth_types import User
from declarations.models import Clause, ClauseText, Declaration, Section
from signatories.models import Membership, Party

from ..anchors import KEEP, Keep, PassageAnchor
from ..models import Comment, CommentRound, RoundInvitation
from .common import (
    ConsultationError,
    _clean,
    _invitation,
    _lock_round,
    _now,
    _require_not_frozen,
    _require_open,
    _require_role,
    _roles,
)
from .passages import anchor_set

# --- drafting comments ------------------------------------------------------------------------


def _target(
    declaration: Declaration, clause: Clause | None, section: Section | None
) -> tuple[Clause | None, Section | None]:
    if clause is not None and section is not None:
        raise ConsultationError(_("A comment is on a clause, a section or the whole declaration, not several."))
    if clause is not None and (clause.declaration_id != declaration.pk or clause.deleted_at is not None):
        raise ConsultationError(_("This clause is not part of the declaration."))
    if section is not None and (section.declaration_id != declaration.pk or section.deleted_at is not None):
        raise ConsultationError(_("This section is not part of the declaration."))
    return clause, section


def _fill(
    comment: Comment,
    *,
    declaration: Declaration,
    kind: str,
    language: str,
    text: str,
    proposed_text: str,
    clause: Clause | None,
    section: Section | None,
    anchor: PassageAnchor | Keep | None,
    started_from: int | None = None,
) -> None:
    previous_clause_id = comment.clause_id
    if kind not in Comment.Kind.values:
        raise ConsultationError(_("Unknown comment type."))
    if language not in declaration.languages:
        raise ConsultationError(_("Comments are written in one of the declaration's languages."))
    clause, section = _target(declaration, clause, section)
    comment.kind, comment.language, comment.clause, comment.section = kind, language, clause, section
    if kind == Comment.Kind.PROPOSED_TEXT:
        if clause is None:
            raise ConsultationError(_("Proposed text replaces one clause: choose the clause."))
        proposed = _clean(proposed_text, what=_("proposed text"), required=True)
        current = ClauseText.objects.filter(clause=clause, language=language).first()
        # The proposal is written against the live draft, which is what applying it will edit.
        comment.base_text = current.text if current else ""
        comment.base_revision = current.revision if current else 0
        if started_from is not None and started_from != comment.base_revision:
            # The reader edited an older text in place: stored against the new one, the redline would
            # show the secretariat's edit undone.
            raise ConsultationError(
                _(
                    "The clause text has changed since you began your suggestion. Your text is kept: merge the "
                    "current text, shown above it, into yours and save again."
                )
            )
        if proposed == comment.base_text:
            raise ConsultationError(_("The proposed text is the same as the clause text."))
        comment.proposed_text = proposed
        comment.text = _clean(text, what=_("explanation"))
    else:
        comment.text = _clean(text, what=_("comment"), required=True)
        comment.proposed_text, comment.base_text, comment.base_revision = "", "", None
    anchor_set(comment, anchor, previous_clause_id=previous_clause_id)


def comment_create(
    *,
    round: CommentRound,
    party: Party,
    kind: str,
    language: str,
    text: str = "",
    proposed_text: str = "",
    clause: Clause | None = None,
    section: Section | None = None,
    anchor: PassageAnchor | None = None,
    started_from: int | None = None,
    by: User,
    now: datetime.datetime | None = None,
    reason: str = "Drafted",
) -> Comment:
    """Draft a comment for a party, on a passage of a clause if `anchor` says which; only the party sees it
    until its focal point submits. A proposal made in place names the revision it `started_from`."""
    now = _now(now)
    _require_role(
        by,
        party,
        (Membership.Role.REVIEWER, Membership.Role.FOCAL_POINT),
        _("Only a reviewer or the focal point of the party can draft its comments."),
    )
    with transaction.atomic():
        locked = _lock_round(round)
        _require_open(locked, now)
        _invitation(locked, party)
        comment = Comment(round=locked, party=party, author=by)
        _fill(
            comment,
            declaration=locked.declaration,
            kind=kind,
            language=language,
            text=text,
            proposed_text=proposed_text,
            clause=clause,
            section=section,
            anchor=anchor,
            started_from=started_from,
        )
        comment._change_reason = reason[:100]  # type: ignore[attr-defined]
        comment.save()
    return comment


def comment_update(
    *,
    comment: Comment,
    kind: str,
    language: str,
    text: str = "",
    proposed_text: str = "",
    clause: Clause | None = None,
    section: Section | None = None,
    anchor: PassageAnchor | Keep | None = KEEP,
    by: User,
    now: datetime.datetime | None = None,
) -> Comment:
    """Edit a draft: its author, or the party's focal point reviewing it before submission."""
    now = _now(now)
    with transaction.atomic():
        locked_round = _lock_round(comment.round)
        _require_open(locked_round, now)
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        if locked.status != Comment.Status.DRAFT:
            raise ConsultationError(_("Submitted comments belong to the party and can no longer be edited."))
        roles = _roles(by, locked.party)
        if Membership.Role.FOCAL_POINT not in roles and not (
            Membership.Role.REVIEWER in roles and locked.author_id == by.pk
        ):
            raise ConsultationError(_("Only the author or the party's focal point can edit this draft."))
        _fill(
            locked,
            declaration=locked_round.declaration,
            kind=kind,
            language=language,
            text=text,
            proposed_text=proposed_text,
            clause=clause,
            section=section,
            anchor=anchor,
        )
        locked._change_reason = "Edited draft"  # type: ignore[attr-defined]
        locked._history_user = by  # type: ignore[attr-defined]
        locked.save()
    return locked


def comment_discard(*, comment: Comment, by: User, now: datetime.datetime | None = None) -> None:
    """Throw away a draft (submitted comments are never deleted, only withdrawn)."""
    with transaction.atomic():
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        _require_not_frozen(Declaration.objects.get(comment_rounds__comments=locked))
        if locked.status != Comment.Status.DRAFT:
            raise ConsultationError(_("Submitted comments are never deleted; withdraw it instead."))
        roles = _roles(by, locked.party)
        if Membership.Role.FOCAL_POINT not in roles and locked.author_id != by.pk:
            raise ConsultationError(_("Only the author or the party's focal point can discard this draft."))
        locked._change_reason = "Discarded draft"  # type: ignore[attr-defined]
        locked.delete()


# --- the party's voice ------------------------------------------------------------------------


def party_submit(*, round: CommentRound, party: Party, by: User, now: datetime.datetime | None = None) -> list[Comment]:
    """The focal point submits all the party's drafts at once; they become the party's comments."""
    now = _now(now)
    _require_role(by, party, (Membership.Role.FOCAL_POINT,), _("Only the party's focal point can submit comments."))
    with transaction.atomic():
        # The round row is the lock that keeps comment numbers unique when two parties submit together.
        locked = _lock_round(round)
        _require_open(locked, now)
        invitation = _invitation(locked, party)
        drafts = list(
            Comment.objects.select_for_update()
            .filter(round=locked, party=party, status=Comment.Status.DRAFT)
            .order_by("created_at", "id")
        )
        if not drafts:
            raise ConsultationError(_("There is nothing to submit. Submit “no comments” if that is your position."))
        number = Comment.objects.filter(round=locked).aggregate(n=Max("number"))["n"] or 0
        for comment in drafts:
            number += 1
            comment.number = number
            comment.status = Comment.Status.SUBMITTED
            comment.submitted_at = now
            comment.submitted_by = by
            comment._change_reason = f"Submitted by the focal point as #{number}"  # type: ignore[attr-defined]
            comment._history_user = by  # type: ignore[attr-defined]
            comment.save()
        invitation.response = RoundInvitation.Response.SUBMITTED
        invitation.responded_at = now
        invitation.responded_by = by
        invitation.save(update_fields=["response", "responded_at", "responded_by"])
    return drafts


def party_submit_no_comments(
    *, round: CommentRound, party: Party, by: User, now: datetime.datetime | None = None
) -> RoundInvitation:
    """The focal point records that the party has no comments on this version."""
    now = _now(now)
    _require_role(
        by, party, (Membership.Role.FOCAL_POINT,), _("Only the party's focal point can answer for the party.")
    )
    with transaction.atomic():
        locked = _lock_round(round)
        _require_open(locked, now)
        invitation = _invitation(locked, party)
        if invitation.response == RoundInvitation.Response.SUBMITTED:
            raise ConsultationError(_("Your party has already submitted comments; withdraw them instead."))
        if Comment.objects.filter(round=locked, party=party, status=Comment.Status.DRAFT).exists():
            raise ConsultationError(_("Your party has draft comments. Discard them before answering “no comments”."))
        invitation.response = RoundInvitation.Response.NO_COMMENTS
        invitation.responded_at = now
        invitation.responded_by = by
        invitation.save(update_fields=["response", "responded_at", "responded_by"])
    return invitation


def comment_withdraw(*, comment: Comment, reason: str, by: User, now: datetime.datetime | None = None) -> Comment:
    """The focal point withdraws a submitted comment while the round is open; it stays on the record."""
    now = _now(now)
    reason = _clean(reason, what=_("reason for withdrawing"), required=True)
    _require_role(
        by, comment.party, (Membership.Role.FOCAL_POINT,), _("Only the party's focal point can withdraw its comments.")
    )
    with transaction.atomic():
        locked_round = _lock_round(comment.round)
        _require_open(locked_round, now)
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        if locked.status != Comment.Status.SUBMITTED:
            raise ConsultationError(_("Only a submitted comment can be withdrawn."))
        if locked.disposition:
            raise ConsultationError(_("The secretariat has already decided on this comment; reply to it instead."))
        locked.status = Comment.Status.WITHDRAWN
        locked.withdrawn_at = now
        locked.withdrawal_reason = reason
        locked._change_reason = "Withdrawn"  # type: ignore[attr-defined]
        locked._history_user = by  # type: ignore[attr-defined]
        locked.save()
    return locked
