"""The issue's done-when journey through the services and pages, without a browser."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from declarations.models import Declaration
from signing.models import Signature, SigningEvent
from signing.selectors import signing_board

from .signing_helpers import (
    correct_clause,
    decline,
    designate,
    first_clause_key,
    open_signing,
    publish_and_reopen,
    record_paper,
    sign,
)

pytestmark = pytest.mark.django_db


def test_four_parties_then_a_correction_and_a_new_signature(user_client, demo: Declaration) -> None:  # type: ignore[no-untyped-def]
    """Sign, upload, paper, decline; correct a clause; three superseded; Gyeonggi re-signs; audit holds."""
    signing = open_signing(demo)
    for key in ["gyeonggi", "catalonia", "kyoto", "occitanie"]:
        designate(signing, key)
    sign(signing, "gyeonggi")
    sign(signing, "catalonia")
    record_paper(signing, "kyoto")
    decline(signing, "occitanie", "Not before our assembly votes.", public=True)

    key = first_clause_key(demo)
    correct_clause(demo, key, "A corrected first clause.")
    version, affected = publish_and_reopen(signing)
    signed_before = {s.party.key for s in affected if s.method != Signature.Method.DECLINED}
    assert signed_before == {"gyeonggi", "catalonia", "kyoto"}

    page = user_client("gyeonggi.signatory").get(f"/d/{demo.slug}/signing/party/gyeonggi/").content.decode()
    assert page.count('class="change ') == 1 and f'data-clause="{key}"' in page
    sign(signing, "gyeonggi")

    board = signing_board(signing)
    assert [r.state for r in board.rows] == ["signed", "superseded", "superseded", "pending"]
    assert (board.groups[0][0].pk, board.groups[0][0].content_hash) == (version.pk, version.content_hash)
    call_command("verify_audit", demo.slug)

    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {SigningEvent._meta.db_table} SET party_key = 'kyoto' WHERE seq = 7")  # noqa: S608
    with pytest.raises(CommandError, match="BROKEN"):
        call_command("verify_audit", demo.slug)
