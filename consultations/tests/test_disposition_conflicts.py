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


def test_the_cached_decision_form_always_shows_the_current_decision_and_text(
    submitted: Any, user_client: Any, user: Any, clause: Any
) -> None:
    """The unsent form is a cached fragment: a decision or an edit of the clause shows on the very next view,
    the revision it carries is always the current one, and a form sent back with errors is never the cached one."""
    from declarations.models import ClauseText
    from declarations.services import clause_text_update

    current = ClauseText.objects.get(clause=clause("vision"), language="en")
    comment = submitted(kind=Comment.Kind.PROPOSED_TEXT, clause=clause("vision"), proposed_text="New words.")
    client = user_client("secretariat")
    url = f"/d/{comment.round.declaration.slug}/rounds/{comment.round.number}/comments/{comment.pk}/"
    first = client.get(url).content.decode()
    assert 'name="seen_revision" value="0"' in first and current.text[:40] in first
    again = client.get(url).content.decode()  # from the cache: the same form, with this request's token
    assert again.count('name="csrfmiddlewaretoken"') == first.count('name="csrfmiddlewaretoken"') >= 1

    services.comment_dispose(comment=comment, disposition="noted", reason="Seen it.", by=user("secretariat"))
    page = client.get(url).content.decode()
    assert 'name="seen_revision" value="1"' in page and "Seen it.</textarea>" in page
    assert 'value="noted" id="id_disposition_3" required checked' in page

    vision = clause("vision")
    clause_text_update(
        clause=vision, language="en", text="A rewritten vision.", base_revision=current.revision, by=user("secretariat")
    )
    page = client.get(url).content.decode()
    assert "A rewritten vision." in page and f'name="base_revision" value="{current.revision + 1}"' in page

    sent = _dispose(client, comment, "rejected", "  ", seen=1)  # no reason: the form comes back with its error
    assert sent.status_code == 400
    assert 'value="rejected" id="id_disposition_2" required checked' in sent.content.decode()
    assert '<ul class="errorlist"' in sent.content.decode()
    assert '<ul class="errorlist"' not in client.get(url).content.decode()  # the next view: the current decision
