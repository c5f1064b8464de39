"""Reads about rounds: the tracker, where comments are reflected, the reflection summary, outcomes per party."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils import formats, timezone
from django.utils.dateformat import format as date_format
from django.utils.safestring import SafeString

from declarations.caching import content_stamp, newest_version
from declarations.models import Clause, Declaration, DeclarationVersion, Section
from declarations.numbering import paragraph_label, version_paragraphs
from declarations.redline import diff_html, diff_text
from declarations.snapshot import Snapshot
from signatories.models import Party

from .models import Comment, CommentRound, RoundInvitation

EXCERPT_LENGTH = 160


# --- reading the comments ---------------------------------------------------------------------


def paragraph_numbers(version: DeclarationVersion) -> dict[str, int]:
    """Clause key → paragraph number in reading order of a published version, as UN documents print them."""
    return Snapshot.from_version(version).paragraph_numbers()


def clause_reference(comment: Comment) -> str:
    return reference(
        comment.clause.key if comment.clause_id else None,  # type: ignore[union-attr]
        comment.section.key if comment.section_id else None,  # type: ignore[union-attr]
    )


def reference(clause_key: str | None, section_key: str | None) -> str:
    """What a comment is about, from the keys of its clause or section (None when it has none)."""
    if clause_key is not None:
        return clause_key
    if section_key is not None:
        return f"§ {section_key}"
    return "—"


def redline(comment: Comment) -> SafeString:
    """The proposal as tracked changes against the text it was written against (escaped by the engine)."""
    if not comment.is_proposal:
        return SafeString("")
    return SafeString(diff_html(diff_text(comment.base_text, comment.proposed_text)))


def excerpt(comment: Comment, length: int = EXCERPT_LENGTH) -> str:
    text = comment.text or comment.proposed_text
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def reflected_in(comments: Sequence[Comment], versions: Sequence[DeclarationVersion] | None = None) -> dict[int, int]:
    """Comment id → number of the first version that carries it, for reflected comments.

    An applied proposal first appears in the first version published after its clause edit; a comment
    accepted without a one-click edit (the secretariat redrafted by hand) in the first version published
    after the decision and after the version it commented on.
    """
    if not comments:
        return {}
    if versions is None:
        declaration_ids = {c.round.declaration_id for c in comments}
        # Only what the comparison below reads: each snapshot is the whole text (~1 MB at UN scale).
        versions = list(
            DeclarationVersion.objects.filter(declaration_id__in=declaration_ids)
            .only("id", "declaration_id", "number", "published_at")
            .order_by("number")
        )
    result: dict[int, int] = {}
    for comment in comments:
        if not comment.is_reflected:
            continue
        if comment.applied_history_id:
            since: datetime.datetime | None = comment.applied_history.history_date  # type: ignore[union-attr]
        else:
            since = comment.disposed_at
        for version in versions:
            if (
                version.declaration_id == comment.round.declaration_id
                and version.number > comment.round.version.number
                and since is not None
                and version.published_at >= since
            ):
                result[comment.pk] = version.number
                break
    return result


def reflected_in_round(
    round: CommentRound, reflected: Iterable[tuple[int, datetime.datetime | None]]
) -> dict[int, int]:
    """``reflected_in`` for reflected comments of one round, given as (comment id, since) pairs.

    ``since`` is when the comment's text change was applied (its clause edit), or else when it was decided.
    One query for the versions after the round's, instead of reading every comment's round.
    """
    versions = list(
        DeclarationVersion.objects.filter(declaration_id=round.declaration_id, number__gt=round.version.number)
        .only("id", "number", "published_at")
        .order_by("number")
    )
    result: dict[int, int] = {}
    for pk, since in reflected:
        if since is None:
            continue
        for version in versions:
            if version.published_at >= since:
                result[pk] = version.number
                break
    return result


def round_comments(qs: QuerySet[Comment]) -> list[Comment]:
    """Comments in reading order with everything a page or the matrix shows, in a few queries."""
    return list(
        qs.select_related(
            "party",
            "author",
            "clause",
            "clause__section",
            "section",
            "applied_history",
            "round__version",
            "disposed_by",
        )
        .prefetch_related("replies__author", "replies__party")
        # The version's snapshot is the whole text (~1 MB at UN scale): joined into every comment row it
        # made the 2,500-comment matrix take ~50 s. Pages here only need the version's number.
        .defer("round__version__snapshot")
        .order_by("number", "created_at", "id")
    )


# --- the tracker ------------------------------------------------------------------------------


@dataclass
class TrackerRow:
    invitation: RoundInvitation
    submitted: int
    withdrawn: int
    drafts: int
    # Ready to print: at UN scale the tracker has 193 rows and get_response_display() rebuilds the
    # choices (and translates them) on every call.
    party_name: str = ""
    response_label: str = ""
    responded_iso: str = ""
    responded_text: str = ""


def round_stamp(round: CommentRound) -> str:
    """Changes with everything the shared parts of a round page show (comment cards, tracker,
    reflection summary): every save of a round, invitation, comment, party or section writes a
    history row, and versions are only added. One query."""
    row = CommentRound.objects.filter(pk=round.pk)
    models = (CommentRound, RoundInvitation, Comment, Party, Section)
    return content_stamp(row, *models, newest_version=newest_version("declaration"))


def round_tracker(round: CommentRound) -> list[TrackerRow]:
    """Per invited party: its answer (submitted / no comments / not yet), when, and how many comments."""
    invitations = (
        round.invitations.select_related("party", "responded_by")
        .annotate(
            submitted=Count(
                "party__comments", filter=Q(party__comments__round=round, party__comments__status="submitted")
            ),
            withdrawn=Count(
                "party__comments", filter=Q(party__comments__round=round, party__comments__status="withdrawn")
            ),
            drafts=Count("party__comments", filter=Q(party__comments__round=round, party__comments__status="draft")),
        )
        .order_by("party__short_name")
    )
    labels = {value: str(label) for value, label in RoundInvitation.Response.choices}
    rows = []
    for i in invitations:
        moment = timezone.localtime(i.responded_at) if i.responded_at else None
        rows.append(
            TrackerRow(
                i,
                i.submitted,  # type: ignore[attr-defined]
                i.withdrawn,  # type: ignore[attr-defined]
                i.drafts,  # type: ignore[attr-defined]
                party_name=i.party.display_name(),
                response_label=labels.get(i.response, i.response),
                responded_iso=date_format(moment, "c") if moment else "",
                responded_text=formats.date_format(moment, "DATETIME_FORMAT") if moment else "",
            )
        )
    return rows


# --- reflection -------------------------------------------------------------------------------


class Outcome:
    FULLY = "fully"
    PARTIALLY = "partially"
    NOT = "not"
    NOTED = "noted"
    PENDING = "pending"
    WITHDRAWN = "withdrawn"
    NO_COMMENTS = "no_comments"
    NO_ANSWER = "no_answer"
    # Invited to a round that is still open and has not answered: it may still comment (issue 21).
    NO_COMMENTS_YET = "no_comments_yet"


# The summary is record text (it becomes the version note), so its wording is fixed here per language
# rather than taken from the UI catalogue: a later catalogue edit never rewords a published note.
PHRASES: dict[str, dict[str, str]] = {
    "en": {
        "heading": "Comments on version {version} (comment round {rounds}):",
        "heading_open": "Comments on version {version} so far (comment round {rounds}, still open):",
        Outcome.FULLY: "{party}'s comments fully reflected",
        Outcome.PARTIALLY: "{party}'s comments partially reflected",
        Outcome.NOT: "{party}'s comments not reflected",
        Outcome.NOTED: "{party}'s comments noted",
        Outcome.PENDING: "{party}'s comments awaiting a decision",
        Outcome.WITHDRAWN: "{party} withdrew its comments",
        Outcome.NO_COMMENTS: "{party} had no comments",
        Outcome.NO_ANSWER: "{party} did not respond",
        Outcome.NO_COMMENTS_YET: "{party} has no comments yet",
        "comments": "{n} comments",
        "comment": "1 comment",
        "n_accepted": "{n} accepted",
        "n_rejected": "{n} rejected",
        "n_noted": "{n} noted",
        "n_pending": "{n} awaiting a decision",
        "counts": " ({total}: {parts})",
        "sep": ", ",
    },
    "ko": {
        "heading": "제{version}판에 대한 의견 (제{rounds}차 의견 수렴):",
        "heading_open": "제{version}판에 대한 현재까지의 의견 (제{rounds}차 의견 수렴, 진행 중):",
        Outcome.FULLY: "{party} 의견 전부 반영",
        Outcome.PARTIALLY: "{party} 의견 일부 반영",
        Outcome.NOT: "{party} 의견 미반영",
        Outcome.NOTED: "{party} 의견 참고",
        Outcome.PENDING: "{party} 의견 검토 중",
        Outcome.WITHDRAWN: "{party} 의견 철회",
        Outcome.NO_COMMENTS: "{party} 의견 없음",
        Outcome.NO_ANSWER: "{party} 미회신",
        Outcome.NO_COMMENTS_YET: "{party} 아직 의견 없음",
        "comments": "의견 {n}건",
        "comment": "의견 1건",
        "n_accepted": "수용 {n}건",
        "n_rejected": "불수용 {n}건",
        "n_noted": "참고 {n}건",
        "n_pending": "검토 중 {n}건",
        "counts": " ({total}: {parts})",
        "sep": ", ",
    },
}


@dataclass
class PartyReflection:
    party: Party
    response: str
    comments: list[Comment] = field(default_factory=list)
    accepted: int = 0
    rejected: int = 0
    noted: int = 0
    pending: int = 0
    withdrawn: int = 0
    # A round that invited the party is still open: silence is not yet an answer.
    round_open: bool = False

    @property
    def total(self) -> int:
        return len(self.comments)

    @property
    def outcome(self) -> str:
        """Fully: nothing rejected and every editorial, substantive or proposed-text comment accepted
        (a general comment that is only noted does not count against). Partially: some accepted, not all.
        Not: none accepted but some rejected. Noted: every comment only noted."""
        if self.response == RoundInvitation.Response.NO_COMMENTS:
            return Outcome.NO_COMMENTS
        if self.response == RoundInvitation.Response.PENDING:
            return Outcome.NO_COMMENTS_YET if self.round_open else Outcome.NO_ANSWER
        if not self.comments:
            return Outcome.WITHDRAWN
        if self.pending:
            return Outcome.PENDING
        if self.accepted == 0:
            return Outcome.NOT if self.rejected else Outcome.NOTED
        must_be_accepted = [c for c in self.comments if c.kind != Comment.Kind.GENERAL]
        if self.rejected == 0 and all(c.is_reflected for c in must_be_accepted):
            return Outcome.FULLY
        return Outcome.PARTIALLY

    def sentence(self, language: str) -> str:
        phrases = PHRASES.get(language, PHRASES["en"])
        name = self.party.display_name(language)
        text = phrases[self.outcome].format(party=name)
        if self.comments:
            total = phrases["comment"] if self.total == 1 else phrases["comments"].format(n=self.total)
            parts = [
                phrases[key].format(n=value)
                for key, value in (
                    ("n_accepted", self.accepted),
                    ("n_rejected", self.rejected),
                    ("n_noted", self.noted),
                    ("n_pending", self.pending),
                )
                if value
            ]
            text += phrases["counts"].format(total=total, parts=phrases["sep"].join(parts))
        return text + "."


def party_reflections(rounds: Iterable[CommentRound], *, now: datetime.datetime | None = None) -> list[PartyReflection]:
    """How each invited party's comments were treated across the given rounds (withdrawn ones left out)."""
    rounds = list(rounds)
    open_rounds = {r.pk for r in rounds if r.is_open(now)}
    by_party: dict[int, PartyReflection] = {}
    rank = {
        RoundInvitation.Response.PENDING: 0,
        RoundInvitation.Response.NO_COMMENTS: 1,
        RoundInvitation.Response.SUBMITTED: 2,
    }
    invitations = RoundInvitation.objects.filter(round__in=rounds).select_related("party")
    for invitation in invitations:
        current = by_party.get(invitation.party_id)
        if current is None or rank[invitation.response] > rank[current.response]:  # type: ignore[index]
            by_party[invitation.party_id] = PartyReflection(party=invitation.party, response=invitation.response)
        if invitation.round_id in open_rounds:
            by_party[invitation.party_id].round_open = True
    # Only what the counts read: at UN scale a round holds thousands of comments with their texts.
    comments = (
        Comment.objects.filter(round__in=rounds)
        .exclude(status=Comment.Status.DRAFT)
        .order_by("number")
        .only("id", "round_id", "party_id", "number", "kind", "status", "disposition")
    )
    for comment in comments:
        reflection = by_party.get(comment.party_id)
        if reflection is None:
            continue
        if comment.status == Comment.Status.WITHDRAWN:
            reflection.withdrawn += 1
            continue
        reflection.comments.append(comment)
        if comment.is_reflected:
            reflection.accepted += 1
        elif comment.disposition == Comment.Disposition.REJECTED:
            reflection.rejected += 1
        elif comment.disposition == Comment.Disposition.NOTED:
            reflection.noted += 1
        else:
            reflection.pending += 1
    order = {
        Outcome.FULLY: 0,
        Outcome.PARTIALLY: 1,
        Outcome.NOTED: 2,
        Outcome.NOT: 3,
        Outcome.PENDING: 4,
        Outcome.WITHDRAWN: 5,
        Outcome.NO_COMMENTS: 6,
        Outcome.NO_COMMENTS_YET: 7,
        Outcome.NO_ANSWER: 8,
    }
    return sorted(by_party.values(), key=lambda r: (order[r.outcome], r.party.short_name))


def _summary(rounds: list[CommentRound], language: str, now: datetime.datetime | None = None) -> str:
    if not rounds:
        return ""
    phrases = PHRASES.get(language, PHRASES["en"])
    still_open = any(r.is_open(now) for r in rounds)
    heading = phrases["heading_open" if still_open else "heading"].format(
        version=rounds[0].version.number, rounds=", ".join(str(r.number) for r in rounds)
    )
    return "\n".join([heading, *(r.sentence(language) for r in party_reflections(rounds, now=now))])


def reflection_summary(round: CommentRound, language: str) -> str:
    """One line per invited party saying how its comments in this round were treated, in `language`."""
    return _summary([round], language)


def version_reflection_summary(*, version: DeclarationVersion, language: str) -> str:
    """The same over every round held on `version` (what the next version's note reports)."""
    return _summary(list(version.comment_rounds.order_by("number")), language)


def proposed_version_note(declaration: Declaration) -> str:
    """The note offered when publishing the next version: the summary in each language that has wording."""
    latest = declaration.versions.defer("snapshot").order_by("-number").first()
    if latest is None:
        return ""
    languages = [lang for lang in declaration.languages if lang in PHRASES] or ["en"]
    parts = [version_reflection_summary(version=latest, language=lang) for lang in languages]
    return "\n\n".join(p for p in parts if p)


# --- for the signing page ---------------------------------------------------------------------


@dataclass
class CommentOutcome:
    comment: Comment
    round_number: int
    number: int | None
    clause_ref: str
    kind: str
    kind_label: str
    excerpt: str
    disposition: str
    disposition_label: str
    reason: str
    reflected_in: int | None


def outcomes_stamp(declaration: Declaration) -> str:
    """Changes with everything a party's comment outcomes show: every save of a comment (status,
    disposition, applied edit), clause or section writes a history row, and versions are only added.
    One query."""
    row = Declaration.objects.filter(pk=declaration.pk)
    return content_stamp(row, Comment, Clause, Section, newest_version=newest_version())


def party_comment_outcomes(*, declaration: Declaration, party: Party) -> list[CommentOutcome]:
    """Each comment the party submitted on the declaration, across rounds, and what became of it."""
    # Only what an outcome row shows (no replies, authors or deciders: round_comments() reads those
    # for the round page, three more queries on every sign page).
    comments = list(
        Comment.objects.filter(round__declaration=declaration, party=party, status=Comment.Status.SUBMITTED)
        .select_related("round__version", "clause", "section", "applied_history")
        .defer("round__version__snapshot")
    )
    comments.sort(key=lambda c: (c.round.number, c.number or 0))
    where = reflected_in(comments)
    return [
        CommentOutcome(
            comment=c,
            round_number=c.round.number,
            number=c.number,
            # Officials cite paragraph numbers (of the version the comment was on), not clause keys.
            clause_ref=paragraph_label(version_paragraphs(c.round.version), c.clause.key)
            if c.clause_id and c.clause is not None
            else clause_reference(c),
            kind=c.kind,
            kind_label=str(c.get_kind_display()),
            excerpt=excerpt(c),
            disposition=c.disposition,
            disposition_label=str(c.get_disposition_display()) if c.disposition else "",
            reason=c.disposition_reason,
            reflected_in=where.get(c.pk),
        )
        for c in comments
    ]
