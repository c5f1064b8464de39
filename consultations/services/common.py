"""What every write to a comment round shares: the error, text limits, role and state checks, recipients."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import get_users_with_perms

from config.auth_types import User
from declarations.models import Declaration
from declarations.services.common import frozen_reason
from signatories.models import Membership, Party

from ..models import CommentRound, RoundInvitation

MAX_COMMENT_LENGTH = 20_000


class ConsultationError(Exception):
    """A request the round's state or the user's role does not allow; the message is for the user."""


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
