"""Reads for the home page: what is waiting for this person, across the declarations they can see.

It sits at the signing level because it reads rounds and comments (consultations) and signings,
and the apps depend on each other in the order parties → declarations → consultations → signing →
documents: no lower app may import these. Every list is one query, however many declarations,
rounds or parties there are (tests/test_query_budgets.py and signing/tests/test_home.py).
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from config.auth_types import AnyUser
from consultations.models import Comment, CommentRound, RoundInvitation
from declarations import caching
from declarations.models import Clause, ClauseText, Declaration, Section
from declarations.permissions import EDIT, declarations_for
from signatories.models import Membership

from .models import Signature, Signing, SigningEvent, SigningParty

DRAFTING_ROLES = (Membership.Role.REVIEWER, Membership.Role.FOCAL_POINT)


@dataclass(frozen=True)
class Progress:
    """How far something has come: `done` of `total`, for the bar and its text alternative."""

    done: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


@dataclass
class Waiting:
    """Everything on one person's home page; each list is already in deadline order."""

    rounds_to_review: list[CommentRound] = field(default_factory=list)  # .my_drafts
    rounds_to_submit: list[CommentRound] = field(default_factory=list)  # .party_drafts, .party_key
    to_designate: list[SigningParty] = field(default_factory=list)
    to_sign: list[SigningParty] = field(default_factory=list)
    to_adhere: list[SigningParty] = field(default_factory=list)  # invited after close (issue 21)
    awaiting_decision: list[CommentRound] = field(default_factory=list)  # .undecided
    unanswered: list[CommentRound] = field(default_factory=list)  # .progress
    signing_progress: list[Signing] = field(default_factory=list)  # .progress
    stale_translations: list[Declaration] = field(default_factory=list)  # .stale

    @property
    def is_empty(self) -> bool:
        return not any(
            (
                self.rounds_to_review,
                self.rounds_to_submit,
                self.to_designate,
                self.to_sign,
                self.to_adhere,
                self.awaiting_decision,
                self.unanswered,
                self.signing_progress,
                self.stale_translations,
            )
        )


def _open_rounds(now: datetime.datetime) -> QuerySet[CommentRound]:
    # CommentRound.is_open() in SQL: open until the deadline, or until an earlier early close.
    return (
        CommentRound.objects.filter(deadline__gt=now)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gt=now))
        .select_related("declaration")
        .order_by("deadline", "declaration__slug", "number")
    )


def waiting_for(
    user: AnyUser,
    now: datetime.datetime | None = None,
    *,
    visible: Collection[int] | None = None,
    edited: Collection[int] | None = None,
    memberships: list[Membership] | None = None,
) -> Waiting:
    """What waits for `user`: as reviewer, focal point, signatory and secretariat, within what they can see.

    `visible` and `edited`: the ids of the declarations the user may see and edit, and `memberships`:
    the user's memberships, when the caller has them already (the home page reads them at once).
    """
    adhered = Signature.objects.filter(
        signing=OuterRef("signing"), party=OuterRef("party"), status=Signature.Status.ADHERED
    )
    waiting = Waiting()
    if not user.is_authenticated or not user.is_active:
        return waiting
    now = now or timezone.now()
    if visible is None:
        visible = list(declarations_for(user).values_list("pk", flat=True))
    if not visible:
        return waiting
    if memberships is None:
        memberships = list(Membership.objects.filter(user=user))
    drafting = {m.party_id for m in memberships if m.role in DRAFTING_ROLES}
    focal = {m.party_id for m in memberships if m.role == Membership.Role.FOCAL_POINT}
    # Designation requires a signatory membership (services.answers), and one withdrawn since
    # leaves nothing to sign: secretariat staff, with no membership, skip these queries.
    signing_for = {m.party_id for m in memberships if m.role == Membership.Role.SIGNATORY}

    if drafting:
        waiting.rounds_to_review = list(
            _open_rounds(now)
            .filter(declaration__in=visible, invitations__party__in=drafting)
            .annotate(
                my_drafts=Count(
                    "comments",
                    filter=Q(comments__author=user, comments__status=Comment.Status.DRAFT),
                    distinct=True,
                )
            )
        )
    if focal:
        # A focal point's party still owes an answer: it has not submitted nor said "no comments".
        pending = RoundInvitation.objects.filter(
            round=OuterRef("pk"), party__in=focal, response=RoundInvitation.Response.PENDING
        )
        waiting.rounds_to_submit = list(
            _open_rounds(now)
            .filter(declaration__in=visible)
            .filter(Exists(pending))
            .annotate(
                party_drafts=Count(
                    "comments",
                    filter=Q(comments__party__in=focal, comments__status=Comment.Status.DRAFT),
                )
            )
        )
        # One line per round: the focal point's "submit" line already counts the party's drafts.
        owing = {r.pk for r in waiting.rounds_to_submit}
        waiting.rounds_to_review = [r for r in waiting.rounds_to_review if r.pk not in owing]
        # Open signings, and closed ones whose party was invited to adhere and has not yet.
        waiting.to_designate = list(
            SigningParty.objects.filter(
                Q(signing__status=Signing.Status.OPEN)
                | Q(signing__status=Signing.Status.CLOSED, adherence_invited_at__isnull=False),
                signing__declaration__in=visible,
                party__in=focal,
                signatory__isnull=True,
            )
            .exclude(Exists(adhered))
            .select_related("party", "signing__declaration")
            .order_by("signing__deadline", "signing__declaration__slug", "party__short_name")
        )
    if signing_for:
        _signatory(waiting, user, visible, signing_for)

    if edited is None:
        edited = list(declarations_for(user, EDIT).values_list("pk", flat=True))
    if edited:
        lists = _secretariat_lists(sorted(edited), now)
        waiting.awaiting_decision = list(lists.awaiting_decision)
        waiting.unanswered = list(lists.unanswered)
        waiting.signing_progress = list(lists.signing_progress)
        waiting.stale_translations = list(lists.stale_translations)
    return waiting


def _signatory(waiting: Waiting, user: AnyUser, visible: Collection[int], parties: set[int]) -> None:
    """Texts to sign (signing open, no live answer yet) and to adhere to (invited after the close), in one query."""
    answered = Signature.objects.filter(signing=OuterRef("signing"), party=OuterRef("party"), status__in=Signature.LIVE)
    adhered = Signature.objects.filter(
        signing=OuterRef("signing"), party=OuterRef("party"), status=Signature.Status.ADHERED
    )
    to_sign = Q(signing__status=Signing.Status.OPEN) & ~Exists(answered)
    to_adhere = Q(signing__status=Signing.Status.CLOSED, adherence_invited_at__isnull=False) & ~Exists(adhered)
    rows = list(
        SigningParty.objects.filter(signing__declaration__in=visible, party__in=parties, signatory_id=user.pk)
        .filter(to_sign | to_adhere)
        .select_related("party", "signing__declaration")
        .order_by("signing__declaration__slug", "party__short_name")
    )
    # Sorted (stably, after declaration and party) as each list was ordered: by deadline, by invitation.
    open_rows = [row for row in rows if row.signing.status == Signing.Status.OPEN]
    waiting.to_sign = sorted(open_rows, key=lambda row: row.signing.deadline)
    closed_rows = [row for row in rows if row.signing.status == Signing.Status.CLOSED]
    waiting.to_adhere = sorted(closed_rows, key=lambda row: row.adherence_invited_at or row.signing.deadline)


@dataclass(frozen=True)
class SecretariatLists:
    """The secretariat's part of the home page, as read at `read_at`; it holds until `valid_until`."""

    read_at: datetime.datetime
    valid_until: datetime.datetime
    awaiting_decision: Sequence[CommentRound]
    unanswered: Sequence[CommentRound]
    signing_progress: Sequence[Signing]
    stale_translations: Sequence[Declaration]


def secretariat_stamp(declarations: list[int]) -> str:
    """Changes with everything the secretariat's lists count: every save of a comment, invitation, round,
    section, clause, clause text or declaration writes a history row, and every signing service appends
    an audit entry (signing/audit.py). One query of the newest ids (index-only); "" when the declaration
    went away since the request read its permissions (the ids in the key differ on the next view)."""
    row = Declaration.objects.filter(pk=declarations[0])
    models = (Comment, RoundInvitation, CommentRound, Section, Clause, ClauseText, Declaration)
    return caching.content_stamp(
        row, *models, newest_event=Subquery(SigningEvent.objects.order_by("-pk").values("pk")[:1])
    )


def _secretariat_lists(declarations: list[int], now: datetime.datetime) -> SecretariatLists:
    """The secretariat's lists, cached under the stamp of what they count (decision 107).

    Four aggregate queries over every comment, invitation, signature and clause text of the
    declarations are the costliest part of the page at UN scale, and they change only with a write
    (the stamp) or when an open round with parties yet to answer closes (`valid_until`). As for the
    page bodies (caching.py), two writes committing in the opposite order of their history ids could
    leave the first unseen under the second's stamp: entries expire after BODY_TTL, which bounds that.
    """
    stamp = secretariat_stamp(declarations)
    key = caching.data_key("home-secretariat", stamp=stamp, shown={"ids": declarations})
    lists = cache.get(key)
    if not isinstance(lists, SecretariatLists) or not lists.read_at <= now < lists.valid_until:
        lists = _secretariat(declarations, now)
        if stamp:  # nothing is kept under a stamp that says nothing
            cache.set(key, lists, caching.BODY_TTL)
    return lists


def _secretariat(declarations: list[int], now: datetime.datetime) -> SecretariatLists:
    """Comments awaiting a decision, unanswered parties, signing progress, translations to update."""
    # Counted per round in a subquery that the partial index comment_undecided answers; a join with a
    # filtered Count read all 10,000 comments of a UN-scale declaration on every dashboard view.
    undecided = (
        Comment.objects.filter(round=OuterRef("pk"), status=Comment.Status.SUBMITTED, disposition="")
        .order_by()
        .values("round")
        .annotate(n=Count("pk"))
        .values("n")
    )
    invitations = RoundInvitation.objects.filter(round=OuterRef("pk")).order_by().values("round")
    invited = invitations.annotate(n=Count("pk")).values("n")
    answered = invitations.exclude(response=RoundInvitation.Response.PENDING).annotate(n=Count("pk")).values("n")
    is_open = Q(deadline__gt=now) & (Q(closed_at__isnull=True) | Q(closed_at__gt=now))  # CommentRound.is_open()
    # One query for both lists: rounds with comments to decide, and open rounds with parties yet to answer.
    rounds = list(
        CommentRound.objects.filter(declaration__in=declarations)
        .annotate(
            undecided=Coalesce(Subquery(undecided), 0),
            invited=Coalesce(Subquery(invited), 0),
            answered=Coalesce(Subquery(answered), 0),
            open=ExpressionWrapper(is_open, output_field=BooleanField()),
        )
        .filter(Q(undecided__gt=0) | (is_open & Q(invited__gt=F("answered"))))
        .select_related("declaration")
        .order_by("declaration__slug", "number")
    )
    awaiting_decision = [r for r in rounds if r.undecided]  # type: ignore[attr-defined]
    unanswered = [r for r in rounds if r.open and r.answered < r.invited]  # type: ignore[attr-defined]
    for round_ in unanswered:
        round_.progress = Progress(round_.answered, round_.invited)  # type: ignore[attr-defined]
    unanswered.sort(key=lambda r: r.deadline)  # then declaration and number, as _open_rounds
    signings: list[Signing] = list(
        Signing.objects.filter(declaration__in=declarations, status=Signing.Status.OPEN)
        .annotate(
            total=Count("parties", distinct=True),
            signed=Count("signatures", filter=Q(signatures__status=Signature.Status.SIGNED), distinct=True),
        )
        .select_related("declaration")
        .order_by("deadline", "declaration__slug")
    )
    for signing in signings:
        signing.progress = Progress(signing.signed, signing.total)  # type: ignore[attr-defined]
    stale = Q(
        clauses__texts__needs_review=True,
        clauses__deleted_at__isnull=True,
        clauses__section__deleted_at__isnull=True,
    )
    stale_translations = list(
        Declaration.objects.filter(pk__in=declarations)
        .annotate(stale=Count("clauses__texts", filter=stale))
        .filter(stale__gt=0)
        .order_by("slug")
    )
    # Only time can take an unanswered round off the list without a write: when it closes.
    valid_until = min([now + datetime.timedelta(seconds=caching.BODY_TTL)] + [r.closes_at() for r in unanswered])
    return SecretariatLists(now, valid_until, awaiting_decision, unanswered, signings, stale_translations)
