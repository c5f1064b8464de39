"""A mail server that is down never costs a 500: the decision is saved, the failure is recorded and shown."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.mail.backends.locmem import EmailBackend

from consultations.models import Comment
from signatories.models import MailDelivery
from signatories.notifications import MAX_ATTEMPTS, RETRY_DELAYS, deliver, retry_due

pytestmark = pytest.mark.django_db


@pytest.fixture
def mail_down(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: Any, messages: Any) -> int:
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)


def _url(comment: Comment, action: str = "") -> str:
    return f"/d/{comment.round.declaration.slug}/rounds/{comment.round.number}/comments/{comment.pk}/{action}"


def test_a_disposition_during_a_mail_outage_is_saved_and_the_failure_shown(
    submitted: Any, user_client: Any, mail_down: None, django_capture_on_commit_callbacks: Any
) -> None:
    """The secretariat gets the redirect, the party's e-mails are recorded as failing, the secretariat sees them."""
    comment = submitted()
    MailDelivery.objects.all().delete()  # the round's opening e-mails (their commit never happened here)
    client = user_client("secretariat")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _url(comment, "dispose/"), {"disposition": "rejected", "reason": "Out of scope", "seen_revision": 0}
        )
    assert response.status_code == 302
    comment.refresh_from_db()
    assert (comment.disposition, comment.disposition_reason) == ("rejected", "Out of scope")
    deliveries = MailDelivery.objects.filter(declaration=comment.round.declaration)
    assert sorted(d.to_address for d in deliveries) == [
        "gyeonggi.focal@demo.accord.invalid",
        "gyeonggi.reviewer@demo.accord.invalid",
    ]
    assert {(d.status, d.attempts) for d in deliveries} == {(MailDelivery.Status.RETRYING, 1)}
    assert all("ConnectionRefusedError" in d.last_error for d in deliveries)
    page = client.get(_url(comment)).content.decode()
    assert "2 e-mails about this declaration could not be delivered." in page
    listing = client.get(f"/d/{comment.round.declaration.slug}/mail/").content.decode()
    assert "gyeonggi.focal@demo.accord.invalid" in listing and "Connection refused" in listing
    assert user_client("gyeonggi.focal").get(f"/d/{comment.round.declaration.slug}/mail/").status_code == 403
    assert user_client("outsider").get(f"/d/{comment.round.declaration.slug}/mail/").status_code == 404


def test_failed_deliveries_are_retried_with_back_off_then_given_up(
    submitted: Any, user: Any, mail_down: None, django_capture_on_commit_callbacks: Any
) -> None:
    """Each attempt waits longer; after the last one the delivery is marked failed; a recovered server delivers."""
    from consultations import services

    comment = submitted()
    MailDelivery.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_dispose(comment=comment, disposition="noted", reason="Seen", by=user("secretariat"))
    delivery = MailDelivery.objects.order_by("pk").first()
    assert delivery is not None and delivery.next_attempt_at is not None
    waits = [delivery.next_attempt_at - delivery.created_at]
    for _ in range(MAX_ATTEMPTS - 1):
        assert delivery.next_attempt_at is not None
        deliver(delivery.pk, now=delivery.next_attempt_at)
        delivery.refresh_from_db()
        if delivery.next_attempt_at:
            waits.append(delivery.next_attempt_at - delivery.created_at)
    assert (delivery.status, delivery.attempts) == (MailDelivery.Status.FAILED, MAX_ATTEMPTS)
    assert len(waits) == len(RETRY_DELAYS) and waits == sorted(waits)


def test_a_due_retry_is_sent_once_the_server_is_back(
    submitted: Any, user: Any, monkeypatch: pytest.MonkeyPatch, mail_down: None, django_capture_on_commit_callbacks: Any
) -> None:
    """send_pending_mail delivers what failed, once; a second run sends nothing again."""
    from django.core import mail

    from consultations import services

    comment = submitted()
    MailDelivery.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_dispose(comment=comment, disposition="noted", reason="Seen", by=user("secretariat"))
    monkeypatch.undo()
    later = max(d.next_attempt_at for d in MailDelivery.objects.all() if d.next_attempt_at)
    assert retry_due(now=later) == 2
    assert retry_due(now=later) == 0
    assert len(mail.outbox) == 2
    assert set(MailDelivery.objects.values_list("status", flat=True)) == {MailDelivery.Status.SENT}
