"""Integration: the demo round from issue #4, end to end through the services."""

from __future__ import annotations

import io

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from consultations import services
from consultations.matrix import matrix_xlsx
from consultations.models import Comment, RoundInvitation
from consultations.selectors import party_comment_outcomes, reflection_summary, version_reflection_summary
from declarations.models import ClauseText
from declarations.services import version_publish

from .conftest import NOW

pytestmark = pytest.mark.django_db


def test_demo_round_from_opening_to_version_2(demo, rnd, user, party, clause) -> None:
    """Gyeonggi fully reflected, Catalonia rejected, Kyoto no comments, Occitanie not yet; matrix lists all four."""
    g, c, k = party("gyeonggi"), party("catalonia"), party("kyoto")
    reviewer = user("gyeonggi.reviewer")
    vision = ClauseText.objects.get(clause=clause("vision"), language="en")
    democracy = ClauseText.objects.get(clause=clause("democracy"), language="en")
    p1 = services.comment_create(
        round=rnd,
        party=g,
        by=reviewer,
        now=NOW,
        kind=Comment.Kind.PROPOSED_TEXT,
        language="en",
        clause=clause("vision"),
        proposed_text=vision.text.replace("relational thinking", "relational, rights-based thinking"),
        text="Name the rights.",
    )
    p2 = services.comment_create(
        round=rnd,
        party=g,
        by=reviewer,
        now=NOW,
        kind=Comment.Kind.PROPOSED_TEXT,
        language="en",
        clause=clause("democracy"),
        proposed_text=democracy.text + " Citizens take part in AI governance.",
    )
    general = services.comment_create(
        round=rnd,
        party=g,
        by=reviewer,
        now=NOW,
        kind=Comment.Kind.GENERAL,
        language="ko",
        text="전반적으로 지지합니다.",
    )
    services.party_submit(round=rnd, party=g, by=user("gyeonggi.focal"), now=NOW)
    cat = services.comment_create(
        round=rnd,
        party=c,
        by=user("catalonia.reviewer"),
        now=NOW,
        kind=Comment.Kind.SUBSTANTIVE,
        language="en",
        clause=clause("rule-of-law"),
        text='=HYPERLINK("http://evil") Add a reference to the Council of Europe convention.',
    )
    services.party_submit(round=rnd, party=c, by=user("catalonia.focal"), now=NOW)
    services.party_submit_no_comments(round=rnd, party=k, by=user("kyoto.focal"), now=NOW)

    sec = user("secretariat")
    for comment in (p1, p2):
        comment.refresh_from_db()
        services.comment_dispose(comment=comment, disposition="accepted", reason="Agreed.", apply=True, by=sec, now=NOW)
    general.refresh_from_db()
    services.comment_dispose(comment=general, disposition="noted", reason="Thank you.", by=sec, now=NOW)
    cat.refresh_from_db()
    services.comment_dispose(
        comment=cat, disposition="rejected", reason="Out of scope for a manifesto.", by=sec, now=NOW
    )

    en = reflection_summary(rnd, "en")
    ko = reflection_summary(rnd, "ko")
    assert "Gyeonggi Province's comments fully reflected (3 comments: 2 accepted, 1 noted)." in en
    assert "Government of Catalonia's comments not reflected (1 comment: 1 rejected)." in en
    assert "Kyoto Prefecture had no comments." in en
    assert "Occitanie Region has no comments yet." in en  # the round is still open
    services.round_close(round=rnd, by=user("secretariat"))
    en = reflection_summary(rnd, "en")
    assert "Occitanie Region did not respond." in en
    assert "경기도 의견 전부 반영 (의견 3건: 수용 2건, 참고 1건)." in ko

    version_2 = version_publish(
        declaration=demo, label="Draft 2", note=version_reflection_summary(version=rnd.version, language="en"), by=sec
    )
    assert "Gyeonggi Province's comments fully reflected" in version_2.note
    assert [o.reflected_in for o in party_comment_outcomes(declaration=demo, party=g)] == [2, 2, None]

    sheet = openpyxl.load_workbook(io.BytesIO(matrix_xlsx(rnd))).active
    assert isinstance(sheet, Worksheet)
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 4
    assert [r[9] for r in rows] == ["Accepted", "Accepted", "Noted", "Rejected"]
    assert rows[3][10] == "Out of scope for a manifesto."
    assert rows[2][7] == "전반적으로 지지합니다."
    assert rows[0][11] == 2
    tracker = {i.party.key: i.response for i in rnd.invitations.select_related("party")}
    assert tracker["occitanie"] == RoundInvitation.Response.PENDING
