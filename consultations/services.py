"""Every write to comment rounds: opening, closing, comments, submission, dispositions, replies, reminders."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import get_users_with_perms

from config.auth_types import User
from declarations.models import Clause, ClauseText, Declaration, DeclarationParty, DeclarationVersion, Section
from declarations.services import (
    DeclarationError,
    EditConflict,
    clause_text_update,
    declaration_set_status,
    frozen_reason,
)
from signatories.models import Membership, Party
from signatories.notifications import notify

from .models import Comment, CommentReply, CommentRound, RoundInvitation

MAX_COMMENT_LENGTH = 20_000
REMINDER_WINDOW = datetime.timedelta(hours=48)


class ConsultationError(Exception):
    """A request the round's state or the user's role does not allow; the message is for the user."""


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


# --- helpers ----------------------------------------------------------------------------------


def _now(now: datetime.datetime | None) -> datetime.datetime:
    return now or timezone.now()


def _clean(text: str, *, what: str, required: bool = False) -> str:
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if "\x00" in text:
        raise ConsultationError(_("The text contains a NUL character."))
    if required and not text:
        raise ConsultationError(_("Please write the %(what)s.") % {"what": what})
    if len(text) > MAX_COMMENT_LENGTH:
        raise ConsultationError(_("A text may have at most 20,000 characters."))
    return text


def _roles(user: User, party: Party) -> set[str]:
    return set(Membership.objects.filter(user=user, party=party).values_list("role", flat=True))


def _require_role(user: User, party: Party, roles: Iterable[str], message: str) -> None:
    if not _roles(user, party) & set(roles):
        raise ConsultationError(message)


def _require_secretariat(user: User, declaration: Declaration) -> None:
    if not user.has_perm("declarations.edit_declaration", declaration):
        raise ConsultationError(_("Only the secretariat can do this."))


def _require_not_frozen(declaration: Declaration) -> None:
    # Closing signing freezes the record: rounds, drafts, comments and their outcomes stay as they were.
    if reason := frozen_reason(declaration):
        raise ConsultationError(reason)


def _lock_round(round_: CommentRound) -> CommentRound:
    locked = CommentRound.objects.select_for_update().select_related("declaration", "version").get(pk=round_.pk)
    _require_not_frozen(locked.declaration)
    return locked


def _require_open(round_: CommentRound, now: datetime.datetime) -> None:
    # The clock decides, not a scheduler: a request one microsecond after the deadline is late.
    if not round_.is_open(now):
        raise ConsultationError(_("This comment round is closed."))


def _invitation(round_: CommentRound, party: Party) -> RoundInvitation:
    invitation = RoundInvitation.objects.select_for_update().filter(round=round_, party=party).first()
    if invitation is None:
        raise ConsultationError(_("Your party is not invited to this comment round."))
    return invitation


def secretariat_users(declaration: Declaration) -> list[User]:
    return list(get_users_with_perms(declaration, only_with_perms_in=["edit_declaration"], with_group_users=True))


def _party_focal_points(party: Party) -> list[User]:
    return [m.user for m in party.memberships.filter(role=Membership.Role.FOCAL_POINT).select_related("user")]


def _party_members(parties: Iterable[Party]) -> list[User]:
    seen: dict[int, User] = {}
    for membership in Membership.objects.filter(party__in=list(parties)).select_related("user"):
        seen.setdefault(membership.user_id, membership.user)
    return list(seen.values())


# --- rounds -----------------------------------------------------------------------------------


def rounds_settle(*, declaration: Declaration, by: User | None = None, now: datetime.datetime | None = None) -> None:
    """Move a declaration back to drafting once its last open round has passed its deadline."""
    now = _now(now)
    if declaration.status != Declaration.Status.CONSULTATION:
        return
    rounds = list(CommentRound.objects.filter(declaration=declaration))
    if rounds and not any(r.is_open(now) for r in rounds):
        last = max(rounds, key=lambda r: r.closes_at())
        declaration_set_status(
            declaration=declaration,
            status=Declaration.Status.DRAFTING,
            by=by,
            reason=f"Comment round {last.number} closed at its deadline",
        )


def round_open(
    *,
    declaration: Declaration,
    version: DeclarationVersion,
    deadline: datetime.datetime,
    visibility: str = CommentRound.Visibility.IMMEDIATE,
    parties: Iterable[Party] | None = None,
    instructions: str = "",
    by: User,
    now: datetime.datetime | None = None,
) -> CommentRound:
    """Open a comment round on a published version and tell the invited parties."""
    now = _now(now)
    _require_secretariat(by, declaration)
    if version.declaration_id != declaration.pk:
        raise ConsultationError(_("This version belongs to another declaration."))
    if timezone.is_naive(deadline):
        raise ConsultationError(_("The deadline needs a time zone."))
    if deadline <= now:
        raise ConsultationError(_("The deadline must be in the future."))
    if visibility not in CommentRound.Visibility.values:
        raise ConsultationError(_("Unknown visibility policy."))
    participants = {
        link.party_id: link.party
        for link in DeclarationParty.objects.filter(
            declaration=declaration, role=DeclarationParty.Role.PARTICIPANT
        ).select_related("party")
    }
    invited = list(participants.values()) if parties is None else list(parties)
    if not invited:
        raise ConsultationError(_("Invite at least one party."))
    if any(p.pk not in participants for p in invited):
        raise ConsultationError(_("Only participating parties can be invited."))
    with transaction.atomic():
        # Lock the declaration: two secretariat members opening rounds at once must not both succeed.
        locked = Declaration.objects.select_for_update().get(pk=declaration.pk)
        _require_not_frozen(locked)
        rounds_settle(declaration=locked, by=by, now=now)
        if any(r.is_open(now) for r in CommentRound.objects.filter(declaration=locked)):
            raise ConsultationError(_("A comment round is already open on this declaration; close it first."))
        try:
            declaration_set_status(
                declaration=locked, status=Declaration.Status.CONSULTATION, by=by, reason="Comment round opened"
            )
        except DeclarationError as exc:
            raise ConsultationError(str(exc)) from exc
        number = (CommentRound.objects.filter(declaration=locked).aggregate(n=Max("number"))["n"] or 0) + 1
        round_ = CommentRound(
            declaration=locked,
            version=version,
            number=number,
            deadline=deadline,
            visibility=visibility,
            instructions=_clean(instructions, what=_("instructions")),
            opened_at=now,
            opened_by=by,
        )
        round_._change_reason = "Opened"  # type: ignore[attr-defined]
        round_.save()
        for party in invited:
            RoundInvitation.objects.create(round=round_, party=party)
        declaration.status = locked.status
        notify(
            _party_members(invited),
            subject=lambda: _("Comment round open: %(title)s") % {"title": locked.display_title()},
            template="consultations/email/round_opened.txt",
            context={"round": round_, "declaration": locked},
        )
    return round_


def round_close(
    *, round: CommentRound, by: User, reason: str = "", now: datetime.datetime | None = None
) -> CommentRound:
    """Close a round before its deadline; the declaration goes back to drafting."""
    now = _now(now)
    _require_secretariat(by, round.declaration)
    with transaction.atomic():
        locked = _lock_round(round)
        _require_open(locked, now)
        locked.closed_at = now
        locked.closed_by = by
        locked.close_reason = _clean(reason, what=_("reason"))
        locked._change_reason = "Closed early"  # type: ignore[attr-defined]
        locked.save(update_fields=["closed_at", "closed_by", "close_reason"])
        if locked.declaration.status == Declaration.Status.CONSULTATION:
            declaration_set_status(
                declaration=locked.declaration,
                status=Declaration.Status.DRAFTING,
                by=by,
                reason=f"Comment round {locked.number} closed by the secretariat",
            )
    round.closed_at, round.closed_by, round.close_reason = locked.closed_at, by, locked.close_reason
    return locked


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
) -> None:
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
        if proposed == comment.base_text:
            raise ConsultationError(_("The proposed text is the same as the clause text."))
        comment.proposed_text = proposed
        comment.text = _clean(text, what=_("explanation"))
    else:
        comment.text = _clean(text, what=_("comment"), required=True)
        comment.proposed_text, comment.base_text, comment.base_revision = "", "", None


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
    by: User,
    now: datetime.datetime | None = None,
    reason: str = "Drafted",
) -> Comment:
    """Draft a comment for a party; only the party sees it until its focal point submits."""
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


# --- reminders --------------------------------------------------------------------------------


def _reminder_subject(declaration: Declaration) -> str:
    return _("Reminder: comments due on %(title)s") % {"title": declaration.display_title()}


def round_send_reminders(*, now: datetime.datetime | None = None, window: datetime.timedelta = REMINDER_WINDOW) -> int:
    """Remind parties that have not answered when a deadline is near; once per party per round."""
    now = _now(now)
    sent = 0
    for declaration in Declaration.objects.filter(status=Declaration.Status.CONSULTATION):
        rounds_settle(declaration=declaration, now=now)
    candidates = CommentRound.objects.filter(deadline__gt=now, deadline__lte=now + window, closed_at__isnull=True)
    for round_ in candidates.select_related("declaration"):
        with transaction.atomic():
            # skip_locked: two cron runs overlapping never send the same reminder twice.
            pending = list(
                RoundInvitation.objects.select_for_update(skip_locked=True)
                .filter(round=round_, response=RoundInvitation.Response.PENDING, reminder_sent_at__isnull=True)
                .select_related("party")
            )
            for invitation in pending:
                invitation.reminder_sent_at = now
                invitation.save(update_fields=["reminder_sent_at"])
                notify(
                    _party_members([invitation.party]),
                    subject=functools.partial(_reminder_subject, round_.declaration),
                    template="consultations/email/reminder.txt",
                    context={"round": round_, "declaration": round_.declaration, "party": invitation.party},
                )
                sent += 1
    return sent
