"""Two secretariat members deciding on one comment: the second is told, nothing is silently replaced."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from consultations import services
from consultations.models import Comment
from declarations.services import declaration_grant_secretariat

pytestmark = pytest.mark.django_db


def _dispose(client: Any, comment: Comment, disposition: str, reason: str, seen: int) -> Any:
    url = f"/d/{comment.round.declaration.slug}/rounds/{comment.round.number}/comments/{comment.pk}/dispose/"
    return client.post(url, {"disposition": disposition, "reason": reason, "seen_revision": seen})


def test_a_decision_made_against_an_older_one_answers_409_and_shows_it(
    submitted: Any, user_client: Any, user: Any
) -> None:
    """B's form was loaded before A decided: B gets 409 with A's decision; A's decision stands."""
    comment = submitted()
    second = get_user_model().objects.create_user("secretariat2")
    declaration_grant_secretariat(declaration=comment.round.declaration, user=second, by=None)
    first = _dispose(user_client("secretariat"), comment, "rejected", "Out of scope", seen=0)
    assert first.status_code == 302
    admin_client = user_client("secretariat2")
    second = _dispose(admin_client, comment, "accepted", "Agreed", seen=0)
    assert second.status_code == 409
    page = second.content.decode()
    assert "Another decision was recorded while you were deciding: Rejected by secretariat — Out of scope" in page
    assert 'name="seen_revision" value="1"' in page
    comment.refresh_from_db()
    assert (comment.disposition, comment.disposition_revision) == ("rejected", 1)
    # Sent again from the conflict page, it is a deliberate change of the decision it has now seen.
    assert _dispose(admin_client, comment, "accepted", "Agreed", seen=1).status_code == 302
    comment.refresh_from_db()
    assert (comment.disposition, comment.disposition_revision) == ("accepted", 2)


def test_the_same_decision_again_changes_nothing_and_mails_nobody(
    submitted: Any, user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """A resubmitted form (double click, retry) is one effective change and one e-mail per recipient."""
    comment = submitted()
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            services.comment_dispose(
                comment=comment, disposition="noted", reason="Seen", seen_revision=0, by=user("secretariat")
            )
    comment.refresh_from_db()
    assert comment.disposition_revision == 1
    assert len(mail.outbox) == 2  # the focal point and the author, once each
