"""Opening, closing and settling comment rounds, and the reminders before a deadline."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from config.auth_types import User
from declarations.models import Declaration, DeclarationParty, DeclarationVersion
from declarations.services.common import DeclarationError
from declarations.services.lifecycle import declaration_set_status
from signatories.models import Party
from signatories.notifications import notify

from ..models import CommentRound, RoundInvitation
from .common import (
    ConsultationError,
    _clean,
    _lock_round,
    _now,
    _party_members,
    _require_not_frozen,
    _require_open,
    _require_secretariat,
)

REMINDER_WINDOW = datetime.timedelta(hours=48)


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
