"""The one way into a round or a comment: through the declaration loader, then the round's own rules."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from config.auth_types import AnyUser
from declarations.models import Declaration
from declarations.permissions import COMMENT, EDIT, declaration_perms, get_declaration_for
from signatories.models import Membership, Party

from .models import Comment, CommentRound

DRAFTING_ROLES = (Membership.Role.REVIEWER, Membership.Role.FOCAL_POINT)


@dataclass
class Access:
    """What one user is in one declaration: secretariat, a party's reviewer or focal point, or a reader."""

    user: AnyUser
    declaration: Declaration
    is_secretariat: bool = False
    may_comment: bool = False  # holds comment_declaration (participants and the secretariat)
    party: Party | None = None  # the participating party the user acts for
    roles: set[str] = field(default_factory=set)

    @property
    def is_reviewer(self) -> bool:
        return bool(self.roles & set(DRAFTING_ROLES))

    @property
    def is_focal(self) -> bool:
        return Membership.Role.FOCAL_POINT in self.roles


@dataclass
class RoundAccess(Access):
    round: CommentRound = field(kw_only=True)  # always given: get_round_for() loads it first
    invited: bool = False

    def can_draft(self, now: datetime.datetime | None = None) -> bool:
        return self.invited and self.is_reviewer and self.round.is_open(now)

    def can_submit(self, now: datetime.datetime | None = None) -> bool:
        return self.invited and self.is_focal and self.round.is_open(now)


def access_for(user: AnyUser, declaration: Declaration) -> Access:
    """The user's standing in a declaration they can already see."""
    access = Access(user=user, declaration=declaration)
    # One read of the user's object permissions for both questions (declarations/permissions.py).
    perms = declaration_perms(user, declaration)
    access.is_secretariat = EDIT.split(".", 1)[1] in perms
    access.may_comment = COMMENT.split(".", 1)[1] in perms
    if user.is_authenticated and access.may_comment:
        # A user acts for the first of their parties that takes part (one party per person in practice).
        memberships = (
            Membership.objects.filter(user=user, party__participations__declaration=declaration)
            .select_related("party")
            .order_by("party__short_name")
        )
        for membership in memberships:
            if access.party is None:
                access.party = membership.party
            if membership.party_id == access.party.pk:
                access.roles.add(membership.role)
    return access


def get_round_for(user: AnyUser, slug: str, number: int) -> RoundAccess:
    """Load a round of a declaration the user may see; 404 for outsiders and for unknown rounds."""
    declaration = get_declaration_for(user, slug)
    try:
        # The snapshot (the whole text) is loaded only where it is read, e.g. the matrix's paragraph numbers.
        round_ = (
            CommentRound.objects.select_related("version", "declaration")
            .defer("version__snapshot")
            .get(declaration=declaration, number=number)
        )
    except CommentRound.DoesNotExist:
        raise Http404("No such round.") from None
    base = access_for(user, declaration)
    access = RoundAccess(**base.__dict__, round=round_)
    if access.party is not None:
        access.invited = round_.invitations.filter(party=access.party).exists()
    return access


def others_visible(access: RoundAccess, now: datetime.datetime | None = None) -> bool:
    """Whether the round's policy lets this participant read other parties' submitted comments now."""
    if access.is_secretariat:
        return True
    if not access.may_comment:
        return False  # observers read the text, not the negotiation
    policy = access.round.visibility
    if policy == CommentRound.Visibility.IMMEDIATE:
        return True
    if policy == CommentRound.Visibility.AFTER_CLOSE:
        return not access.round.is_open(now)
    return False


def visible_comments(access: RoundAccess, now: datetime.datetime | None = None) -> QuerySet[Comment]:
    """Comments of the round this user may read: own party's drafts, and submitted ones by policy."""
    now = now or timezone.now()
    qs = Comment.objects.filter(round=access.round)
    condition = Q(pk__in=[])
    if access.party is not None:
        # A party's drafts never leave the party, not even for the secretariat.
        condition |= Q(party=access.party)
    if others_visible(access, now):
        condition |= ~Q(status=Comment.Status.DRAFT)
    return qs.filter(condition)


def get_comment_for(user: AnyUser, slug: str, number: int, comment_id: int) -> tuple[RoundAccess, Comment]:
    """Load one comment the user may read; 404 otherwise (a draft of another party does not exist for them)."""
    access = get_round_for(user, slug, number)
    try:
        comment = (
            visible_comments(access)
            .select_related("party", "author", "clause", "section", "applied_history")
            .get(pk=comment_id)
        )
    except Comment.DoesNotExist:
        raise Http404("No such comment.") from None
    # The comment is in this round (visible_comments filters on it): reuse the loaded round and its
    # version rather than fetching them again, the version with its whole-text snapshot.
    comment.round = access.round  # type: ignore[assignment]
    return access, comment


def can_see_thread(access: Access, comment: Comment) -> bool:
    """Replies and dispositions are between the secretariat and the commenting party."""
    return access.is_secretariat or (access.party is not None and access.party.pk == comment.party_id)


def can_edit_draft(access: RoundAccess, comment: Comment, now: datetime.datetime | None = None) -> bool:
    if comment.status != Comment.Status.DRAFT or access.party is None or comment.party_id != access.party.pk:
        return False
    if not access.can_draft(now):
        return False
    return access.is_focal or comment.author_id == access.user.pk
