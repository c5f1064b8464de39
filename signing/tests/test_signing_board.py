"""The status board: per party status with counts, grouped by text, in the order asked for."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.management import call_command

from declarations.models import Declaration
from signatories.models import Party
from signing.selectors import signing_board

from .signing_helpers import (
    correct_clause,
    decline,
    designate,
    first_clause_key,
    open_signing,
    publish_and_reopen,
    sign,
)

pytestmark = pytest.mark.django_db


def test_counts_and_states(demo: Declaration) -> None:
    """Signed, declined and pending parties are counted."""
    signing = open_signing(demo)
    for key in ["gyeonggi", "occitanie"]:
        designate(signing, key)
    sign(signing, "gyeonggi")
    decline(signing, "occitanie")
    board = signing_board(signing)
    assert board.counts == {
        "total": 4,
        "pending": 2,
        "signed": 1,
        "declined": 1,
        "absent": 0,
        "superseded": 0,
        "adhered": 0,
        "invited": 0,
    }
    assert [r.state for r in board.rows] == ["signed", "pending", "pending", "declined"]


def test_signatures_on_different_text_are_grouped_apart(demo: Declaration) -> None:
    """A superseded signature and a new one are listed under different version and hash headings."""
    signing = open_signing(demo)
    for key in ["gyeonggi", "catalonia"]:
        designate(signing, key)
    sign(signing, "gyeonggi")
    sign(signing, "catalonia")
    correct_clause(demo, first_clause_key(demo), "A corrected first clause.")
    version, _ = publish_and_reopen(signing)
    sign(signing, "gyeonggi")
    signing.refresh_from_db()
    board = signing_board(signing)
    assert [(v.number, len(sigs)) for v, sigs in board.groups] == [(2, 1), (1, 2)]
    assert board.groups[0][0].content_hash == version.content_hash
    assert board.counts["superseded"] == 2
    assert [r.state for r in board.rows][:2] == ["signed", "superseded"]


def test_orders(demo: Declaration) -> None:
    """Parties list in signing order, alphabetically, or by their Korean names."""
    signing = open_signing(demo, ["occitanie", "kyoto", "gyeonggi", "catalonia"])
    keys = lambda order, lang="en": [r.key for r in signing_board(signing, order=order, language=lang).rows]  # noqa: E731
    assert keys("signing") == ["occitanie", "kyoto", "gyeonggi", "catalonia"]
    assert keys("alpha") == ["catalonia", "gyeonggi", "kyoto", "occitanie"]
    korean = [r.party_name for r in signing_board(signing, order="name", language="ko").rows]
    assert korean == sorted(korean)
    assert korean == sorted(Party.objects.get(key=key).display_name("ko") for key in keys("name", "ko"))


def test_board_page(user_client, demo: Declaration) -> None:  # type: ignore[no-untyped-def]
    """Participants and observers see the board; outsiders get 404."""
    open_signing(demo)
    url = f"/d/{demo.slug}/signing/?order=name&lang=ko"
    assert user_client("kyoto.reviewer").get(url).status_code == 200
    assert user_client("observer").get(url).status_code == 200
    assert user_client("outsider").get(url).status_code == 404


def test_reminders_go_to_pending_parties_once_a_day(demo: Declaration, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    """The cron command e-mails pending parties (signatory, or focal point if none), not twice a day."""
    signing = open_signing(demo)
    designate(signing, "gyeonggi")
    designate(signing, "catalonia")
    sign(signing, "catalonia")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_signing_reminders")
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == [
        "gyeonggi.signatory@demo.accord.invalid",
        "kyoto.focal@demo.accord.invalid",
        "occitanie.focal@demo.accord.invalid",
    ]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_signing_reminders")
    assert mail.outbox == []
