"""Twenty simultaneous conflicting dispositions of one comment by two secretariat users (PostgreSQL, issue 18).

Each thread decides against the form it loaded (seen_revision 0): exactly one wins, the others are
told about that decision (DispositionConflict, a 409 in the view), and the party gets one e-mail.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection

from consultations import services as consultations
from consultations.models import Comment
from declarations.demo import seed_demo
from declarations.services import declaration_grant_secretariat
from signatories.models import MailDelivery

from .conftest import open_round, party, user
from .test_concurrency import race

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL (DATABASE_URL)"),
]


def test_twenty_conflicting_dispositions_one_wins_one_email() -> None:
    """One decision stands, nineteen conflicts name it, one e-mail to each of the party's two recipients."""
    demo = seed_demo(create_users=True)
    rnd = open_round(demo)
    consultations.comment_create(
        round=rnd, party=party("gyeonggi"), kind=Comment.Kind.GENERAL, language="en", text="A remark",
        by=user("gyeonggi.reviewer"),
    )  # fmt: skip
    consultations.party_submit(round=rnd, party=party("gyeonggi"), by=user("gyeonggi.focal"))
    comment = Comment.objects.get(round=rnd)
    second = get_user_model().objects.create_user("secretariat2", email="s2@demo.accord.invalid")
    declaration_grant_secretariat(declaration=demo, user=second, by=None)
    choices = [Comment.Disposition.ACCEPTED, Comment.Disposition.REJECTED, Comment.Disposition.NOTED]
    mail.outbox.clear()

    def decide(i: int):  # type: ignore[no-untyped-def]
        return lambda: consultations.comment_dispose(
            comment=comment,
            disposition=choices[i % 3],
            reason=f"Decision {i}",
            seen_revision=0,
            by=user("secretariat" if i % 2 else "secretariat2"),
        )

    results = race(*(decide(i) for i in range(20)))
    won = [r for r in results if isinstance(r, Comment)]
    conflicts = [r for r in results if isinstance(r, consultations.DispositionConflict)]
    assert len(won) == 1 and len(conflicts) == 19, results
    comment.refresh_from_db()
    assert (comment.disposition_reason, comment.disposition_revision) == (won[0].disposition_reason, 1)
    assert all(c.current.disposition_reason == comment.disposition_reason for c in conflicts)
    assert sorted(m.to[0] for m in mail.outbox) == [
        "gyeonggi.focal@demo.accord.invalid",
        "gyeonggi.reviewer@demo.accord.invalid",
    ]
    assert MailDelivery.objects.filter(declaration=demo, subject__startswith="Decision on your comment").count() == 2
