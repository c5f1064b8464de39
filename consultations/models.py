"""Comment rounds on a published version, the parties invited, their comments and the record kept on each."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from declarations.models import Clause, Declaration, DeclarationVersion, Section
from signatories.models import Party


class CommentRound(models.Model):
    """A period in which invited parties comment on one published version."""

    class Visibility(models.TextChoices):
        IMMEDIATE = "immediate", _("All participants see submitted comments at once")
        AFTER_CLOSE = "after_close", _("Participants see other parties' comments after the round closes")
        SECRETARIAT = "secretariat", _("Only the secretariat sees other parties' comments")

    class State(models.TextChoices):
        # Derived from the clock and closed_at, never stored: no scheduler has to close a round.
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    declaration = models.ForeignKey(Declaration, on_delete=models.PROTECT, related_name="comment_rounds")
    version = models.ForeignKey(DeclarationVersion, on_delete=models.PROTECT, related_name="comment_rounds")
    number = models.PositiveIntegerField(_("number"))
    deadline = models.DateTimeField(_("deadline"))
    visibility = models.CharField(
        _("who sees submitted comments"), max_length=16, choices=Visibility.choices, default=Visibility.IMMEDIATE
    )
    instructions = models.TextField(_("instructions"), blank=True)
    opened_at = models.DateTimeField(_("opened at"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Set only when the secretariat closes the round before its deadline.
    closed_at = models.DateTimeField(_("closed early at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    close_reason = models.TextField(_("reason for closing early"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["declaration_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["declaration", "number"], name="commentround_unique_number"),
            models.CheckConstraint(
                condition=models.Q(visibility__in=["immediate", "after_close", "secretariat"]),
                name="commentround_visibility_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(deadline__gt=models.F("opened_at")), name="commentround_deadline_after_open"
            ),
        ]
        verbose_name = _("comment round")
        verbose_name_plural = _("comment rounds")

    def __str__(self) -> str:
        return f"{self.declaration.slug} round {self.number} (v{self.version.number})"

    def closes_at(self) -> datetime.datetime:
        return self.closed_at if self.closed_at and self.closed_at < self.deadline else self.deadline

    def is_open(self, now: datetime.datetime | None = None) -> bool:
        # Closed at the deadline itself: "by 17:00" means a submission at 17:00:00 is late.
        return (now or timezone.now()) < self.closes_at()

    def state(self, now: datetime.datetime | None = None) -> str:
        return self.State.OPEN if self.is_open(now) else self.State.CLOSED

    def get_state_display(self, now: datetime.datetime | None = None) -> str:
        return str(self.State(self.state(now)).label)


class RoundInvitation(models.Model):
    """An invited party in a round and its answer: the round's tracker row."""

    class Response(models.TextChoices):
        PENDING = "pending", _("Not yet")
        SUBMITTED = "submitted", _("Submitted")
        NO_COMMENTS = "no_comments", _("No comments")

    round = models.ForeignKey(CommentRound, on_delete=models.CASCADE, related_name="invitations")
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="round_invitations")
    response = models.CharField(_("response"), max_length=16, choices=Response.choices, default=Response.PENDING)
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The deadline reminder goes out once per party per round; cron may run the command often.
    reminder_sent_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["round_id", "party__short_name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "party"], name="roundinvitation_unique_party"),
            models.CheckConstraint(
                condition=models.Q(response__in=["pending", "submitted", "no_comments"]),
                name="roundinvitation_response_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(response="pending") | models.Q(responded_at__isnull=False),
                name="roundinvitation_response_dated",
            ),
        ]
        verbose_name = _("invited party")
        verbose_name_plural = _("invited parties")

    def __str__(self) -> str:
        return f"{self.party} in {self.round}"


class Comment(models.Model):
    """One comment by a party on a clause, a section or the whole declaration."""

    class Kind(models.TextChoices):
        GENERAL = "general", _("General")
        EDITORIAL = "editorial", _("Editorial")
        SUBSTANTIVE = "substantive", _("Substantive")
        PROPOSED_TEXT = "proposed_text", _("Proposed text")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Disposition(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        ACCEPTED_MODIFIED = "accepted_modified", _("Accepted with modification")
        REJECTED = "rejected", _("Rejected")
        NOTED = "noted", _("Noted")

    round = models.ForeignKey(CommentRound, on_delete=models.PROTECT, related_name="comments")
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Per round, given at submission so the record reads #1, #2, … without gaps from discarded drafts.
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    section = models.ForeignKey(Section, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    clause = models.ForeignKey(Clause, on_delete=models.PROTECT, null=True, blank=True, related_name="comments")
    language = models.CharField(_("language"), max_length=16)
    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices, default=Kind.GENERAL)
    text = models.TextField(_("comment"), blank=True)
    proposed_text = models.TextField(_("proposed text"), blank=True)
    # What the proposal was written against, so its redline never drifts when the clause changes later.
    base_text = models.TextField(_("text the proposal was written against"), blank=True)
    base_revision = models.PositiveIntegerField(_("revision the proposal was written against"), null=True, blank=True)
    # The passage a comment is about (consultations/anchors.py): offsets in characters (code points) of the
    # clause text in anchor_language as the reader saw it, at anchor_revision (its SHA-256 in anchor_text_hash).
    # The quote is kept so that the comment still says what it was about when the text moves on.
    anchor_language = models.CharField(_("language of the passage"), max_length=16, blank=True)
    anchor_start = models.PositiveIntegerField(_("start of the passage"), null=True, blank=True)
    anchor_end = models.PositiveIntegerField(_("end of the passage"), null=True, blank=True)
    anchor_quote = models.TextField(_("quoted passage"), blank=True)
    anchor_revision = models.PositiveIntegerField(_("revision of the quoted text"), null=True, blank=True)
    anchor_text_hash = models.CharField(_("SHA-256 of the quoted text's clause text"), max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)
    disposition = models.CharField(_("disposition"), max_length=20, choices=Disposition.choices, blank=True)
    disposition_reason = models.TextField(_("reason"), blank=True)
    disposed_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    # Counts decisions: a disposition form carries the count it was made against, so a decision
    # recorded meanwhile by someone else is never silently replaced (issue 18).
    disposition_revision = models.PositiveIntegerField(default=0)
    disposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The clause edit that applied this proposal; the drafting history shows it via applied_comments.
    applied_history = models.ForeignKey(
        "declarations.HistoricalClauseText",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applied_comments",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["round_id", "number", "created_at", "id"]
        indexes = [
            # The round page's lists and counts: a round's comments of one status in number order
            # (2,500 per round at UN scale; without it every list filters the whole round).
            models.Index(fields=["round", "status", "number"], name="comment_round_status_number"),
            # Submitted comments still awaiting a decision, per round (the secretariat's dashboard).
            models.Index(
                fields=["round"], condition=models.Q(status="submitted", disposition=""), name="comment_undecided"
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["round", "number"], name="comment_unique_number"),
            models.CheckConstraint(
                condition=models.Q(kind__in=["general", "editorial", "substantive", "proposed_text"]),
                name="comment_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "submitted", "withdrawn"]), name="comment_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(disposition__in=["", "accepted", "accepted_modified", "rejected", "noted"]),
                name="comment_disposition_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(clause__isnull=True) | models.Q(section__isnull=True),
                name="comment_one_target",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="proposed_text")
                | (models.Q(clause__isnull=False) & models.Q(base_revision__isnull=False)),
                name="comment_proposal_has_clause_and_base",
            ),
            # A passage is all of its parts or none, on a clause, and never empty.
            models.CheckConstraint(
                condition=models.Q(
                    anchor_language="",
                    anchor_start__isnull=True,
                    anchor_end__isnull=True,
                    anchor_quote="",
                    anchor_revision__isnull=True,
                    anchor_text_hash="",
                )
                | (
                    models.Q(
                        clause__isnull=False,
                        anchor_start__isnull=False,
                        anchor_end__gt=models.F("anchor_start"),
                        anchor_revision__isnull=False,
                    )
                    & ~models.Q(anchor_language="")
                    & ~models.Q(anchor_quote="")
                    & ~models.Q(anchor_text_hash="")
                ),
                name="comment_anchor_complete",
            ),
            # A disposition without a reason is what Decidim's users complain about: the database refuses it.
            models.CheckConstraint(
                condition=models.Q(disposition="") | ~models.Q(disposition_reason=""),
                name="comment_disposition_has_reason",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="withdrawn") | ~models.Q(withdrawal_reason=""),
                name="comment_withdrawal_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(number__isnull=False, submitted_at__isnull=False),
                name="comment_submitted_numbered",
            ),
        ]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return f"#{self.number or '—'} {self.party} on {self.target_ref()}"

    def target_ref(self) -> str:
        if self.clause_id and self.clause is not None:
            return self.clause.key
        if self.section_id and self.section is not None:
            return self.section.key
        return "declaration"

    @property
    def is_proposal(self) -> bool:
        return self.kind == self.Kind.PROPOSED_TEXT

    @property
    def is_anchored(self) -> bool:
        return self.anchor_start is not None

    @property
    def is_reflected(self) -> bool:
        return self.status == self.Status.SUBMITTED and self.disposition in (
            self.Disposition.ACCEPTED,
            self.Disposition.ACCEPTED_MODIFIED,
        )


class CommentReply(models.Model):
    """A message in the short thread between the secretariat and the commenting party."""

    comment = models.ForeignKey(Comment, on_delete=models.PROTECT, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Null when the secretariat speaks; the party when one of its members does.
    party = models.ForeignKey(Party, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    text = models.TextField(_("reply"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["comment_id", "created_at", "id"]
        verbose_name = _("reply")
        verbose_name_plural = _("replies")

    def __str__(self) -> str:
        return f"Reply on comment {self.comment_id} by {self.author}"
