"""Every write to comment rounds, one module per concern; the names callers use are re-exported here.

- `rounds`: opening, closing, settling rounds and the reminders before a deadline
- `comments`: a party's drafts, submission (or "no comments") and withdrawal
- `passages`: the passage a comment is about, checked against the clause text (consultations/anchors.py)
- `dispositions`: the secretariat's decision on each comment and the reply thread
- `common`: the error, text limits and the role and state checks they share

Code in this app imports from the module; the many tests and other apps that say
`services.comment_create` keep working through the names below.
"""

from .comments import (
    comment_create,
    comment_discard,
    comment_update,
    comment_withdraw,
    party_submit,
    party_submit_no_comments,
)
from .common import MAX_COMMENT_LENGTH, ConsultationError, secretariat_users
from .dispositions import DispositionConflict, comment_dispose, comment_reply
from .rounds import REMINDER_WINDOW, round_close, round_open, round_send_reminders, rounds_settle

__all__ = [
    "MAX_COMMENT_LENGTH",
    "REMINDER_WINDOW",
    "ConsultationError",
    "DispositionConflict",
    "comment_create",
    "comment_discard",
    "comment_dispose",
    "comment_reply",
    "comment_update",
    "comment_withdraw",
    "party_submit",
    "party_submit_no_comments",
    "round_close",
    "round_open",
    "round_send_reminders",
    "rounds_settle",
    "secretariat_users",
]
