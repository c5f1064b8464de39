"""The secretariat's record: a decision on each comment (applying accepted text) and the reply thread."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from config.auth_types import User
from declarations.models import Declaration
from declarations.services.common import DeclarationError
from declarations.services.drafting import EditConflict, clause_text_update
from signatories.notifications import notify

from ..models import Comment, CommentReply
from .common import (
    ConsultationError,
    _clean,
    _now,
    _party_focal_points,
    _require_not_frozen,
    _require_secretariat,
    _roles,
    secretariat_users,
)


class DispositionConflict(ConsultationError):
    """Another decision was recorded after the form was loaded; `current` is the comment as it now stands."""

    def __init__(self, current: Comment) -> None:
        self.current = current
        super().__init__(
            _("Another decision was recorded while you were deciding: %(disposition)s by %(user)s — %(reason)s")
            % {
                "disposition": current.get_disposition_display(),
                "user": current.disposed_by.get_username() if current.disposed_by else "?",
                "reason": current.disposition_reason,
            }
        )


# --- the secretariat's record ----------------------------------------------------------------


def comment_dispose(
    *,
    comment: Comment,
    disposition: str,
    reason: str,
    by: User,
    apply: bool = False,
    text: str | None = None,
    base_revision: int | None = None,
    seen_revision: int | None = None,
    now: datetime.datetime | None = None,
) -> Comment:
    """Record the secretariat's decision with its reason; accepting proposed text can apply it to the clause.

    `seen_revision` is the comment's disposition_revision when the form was made: if a decision was
    recorded since, DispositionConflict (the view answers 409). The same decision again changes nothing
    and sends no e-mail.

    `apply` with "accepted" writes the proposal as it stands, against the revision it was written for;
    with "accepted with modification" it writes `text` (the secretariat's merge) against `base_revision`.
    """
    now = _now(now)
    reason = _clean(reason, what=_("reason"), required=True)
    if disposition not in Comment.Disposition.values:
        raise ConsultationError(_("Choose a disposition."))
    _require_secretariat(by, comment.round.declaration)
    reflected = disposition in (Comment.Disposition.ACCEPTED, Comment.Disposition.ACCEPTED_MODIFIED)
    with transaction.atomic():
        locked = (
            Comment.objects.select_for_update(of=("self",))
            .select_related("party", "clause", "round", "disposed_by")
            .get(pk=comment.pk)
        )
        _require_not_frozen(Declaration.objects.get(comment_rounds=locked.round_id))
        if locked.status != Comment.Status.SUBMITTED:
            raise ConsultationError(_("Only submitted comments get a disposition (this one is not, or was withdrawn)."))
        if locked.applied_history_id:
            raise ConsultationError(_("This proposal has been applied to the text; its disposition is final."))
        if not apply and (locked.disposition, locked.disposition_reason) == (disposition, reason):
            return locked  # a resubmitted form: nothing changes, nobody is mailed again
        # Two secretariat members deciding at once: the row lock orders them, the revision tells the
        # second one that the first has decided (optimistic concurrency, as clause edits).
        if seen_revision is not None and seen_revision != locked.disposition_revision:
            raise DispositionConflict(locked)
        if apply:
            if not (locked.is_proposal and reflected):
                raise ConsultationError(_("Only accepted proposed text can be applied."))
            assert locked.clause is not None and locked.base_revision is not None
            if disposition == Comment.Disposition.ACCEPTED:
                new_text, base = locked.proposed_text, locked.base_revision
            else:
                if not text or base_revision is None:
                    raise ConsultationError(_("Give the modified text to apply."))
                new_text, base = text, base_revision
            party_name = locked.party.short_name
            try:
                applied = clause_text_update(
                    clause=locked.clause,
                    language=locked.language,
                    text=new_text,
                    base_revision=base,
                    by=by,
                    reason=f"Applied comment #{locked.number} ({party_name})",
                )
            except EditConflict as exc:
                raise ConsultationError(
                    _(
                        "The clause changed since this proposal was written (revision %(base)s, now %(current)s). "
                        "Accept it with modification and merge the text by hand."
                    )
                    % {"base": exc.base_revision, "current": exc.current.revision}
                ) from exc
            except DeclarationError as exc:
                raise ConsultationError(str(exc)) from exc
            # When the clause already read that way no edit (and no history row) was made: nothing to link.
            if applied.revision != base:
                locked.applied_history = applied.history.order_by("-history_id").first()  # type: ignore[attr-defined]
        locked.disposition = disposition
        locked.disposition_reason = reason
        locked.disposed_at = now
        locked.disposed_by = by
        locked.disposition_revision += 1
        locked._change_reason = f"Disposition: {disposition}"  # type: ignore[attr-defined]
        locked._history_user = by  # type: ignore[attr-defined]
        locked.save()
        notify(
            {u.pk: u for u in [*_party_focal_points(locked.party), locked.author]}.values(),
            subject=lambda: _("Decision on your comment #%(number)s") % {"number": locked.number},
            template="consultations/email/disposition.txt",
            context={"comment": locked, "round": locked.round, "declaration": locked.round.declaration},
        )
    return locked


def comment_reply(*, comment: Comment, text: str, by: User, now: datetime.datetime | None = None) -> CommentReply:
    """Add to the thread between the secretariat and the commenting party, and tell the other side."""
    text = _clean(text, what=_("reply"), required=True)
    declaration = comment.round.declaration
    is_secretariat = by.has_perm("declarations.edit_declaration", declaration)
    in_party = bool(_roles(by, comment.party))
    if not (is_secretariat or in_party):
        raise ConsultationError(_("Only the secretariat and the commenting party can reply."))
    if comment.status == Comment.Status.DRAFT:
        raise ConsultationError(_("A draft has no thread yet."))
    with transaction.atomic():
        _require_not_frozen(Declaration.objects.get(pk=declaration.pk))
        reply = CommentReply.objects.create(
            comment=comment, author=by, party=comment.party if in_party else None, text=text
        )
        if in_party:
            targets = secretariat_users(declaration)
        else:
            targets = list({u.pk: u for u in [*_party_focal_points(comment.party), comment.author]}.values())
        notify(
            [u for u in targets if u.pk != by.pk],
            subject=lambda: _("New reply on comment #%(number)s") % {"number": comment.number},
            template="consultations/email/reply.txt",
            context={"comment": comment, "reply": reply, "round": comment.round, "declaration": declaration},
        )
    return reply
