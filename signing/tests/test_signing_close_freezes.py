"""Close means frozen: after signing closes, no edit, no new version, no comment round change (issue 21, part 3)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from consultations import services as consultations
from consultations.models import Comment, CommentRound
from declarations.models import ClauseText, Declaration
from declarations.services import DeclarationError, clause_text_update, version_publish
from signatories.models import Party
from signing.services import signing_close

from .signing_helpers import designate, first_clause_key, open_signing, sign, user

pytestmark = pytest.mark.django_db

FROZEN = "Signing is closed"


def _round_with_a_draft(demo: Declaration) -> tuple[CommentRound, Comment]:
    round_ = consultations.round_open(
        declaration=demo,
        version=demo.versions.get(number=1),
        deadline=timezone.now() + timedelta(days=14),
        by=user("secretariat"),
    )
    draft = consultations.comment_create(
        round=round_,
        party=Party.objects.get(key="kyoto"),
        kind=Comment.Kind.GENERAL,
        language="en",
        text="Kyoto's draft, not yet submitted.",
        by=user("kyoto.reviewer"),
    )
    return round_, draft


def _closed(demo: Declaration) -> None:
    signing = open_signing(demo)
    designate(signing, "gyeonggi")
    sign(signing, "gyeonggi")
    signing_close(signing=signing, by=user("secretariat"))
    demo.refresh_from_db()


def test_closing_signing_closes_the_open_round_and_keeps_its_drafts(demo: Declaration) -> None:
    """The round ends when signing closes (not at its later deadline); the draft stays, read-only."""
    round_, draft = _round_with_a_draft(demo)
    _closed(demo)
    round_.refresh_from_db()
    assert not round_.is_open()
    assert round_.close_reason == "Signing closed"
    assert Comment.objects.filter(pk=draft.pk, status=Comment.Status.DRAFT).exists()
    with pytest.raises(consultations.ConsultationError, match=FROZEN):
        consultations.comment_update(
            comment=draft, kind=Comment.Kind.GENERAL, language="en", text="Changed.", by=user("kyoto.reviewer")
        )
    with pytest.raises(consultations.ConsultationError, match=FROZEN):
        consultations.comment_discard(comment=draft, by=user("kyoto.reviewer"))
    draft.refresh_from_db()
    assert draft.text == "Kyoto's draft, not yet submitted."


def test_after_close_a_reviewer_new_draft_is_refused(demo: Declaration) -> None:
    """The reviewer's new draft is refused with the reason, and nothing is saved."""
    round_, _draft = _round_with_a_draft(demo)
    _closed(demo)
    before = Comment.objects.count()
    with pytest.raises(consultations.ConsultationError, match=FROZEN):
        consultations.comment_create(
            round=round_,
            party=Party.objects.get(key="kyoto"),
            kind=Comment.Kind.GENERAL,
            language="en",
            text="Too late.",
            by=user("kyoto.reviewer"),
        )
    assert Comment.objects.count() == before


def test_after_close_edit_publish_and_new_round_are_refused(demo: Declaration) -> None:
    """Services refuse with a message that says why, so commands and views are covered."""
    _closed(demo)
    text = ClauseText.objects.get(clause__declaration=demo, clause__key=first_clause_key(demo), language="en")
    with pytest.raises(DeclarationError, match=FROZEN):
        clause_text_update(
            clause=text.clause, language="en", text="New words.", base_revision=text.revision, by=user("secretariat")
        )
    with pytest.raises(DeclarationError, match=FROZEN):
        version_publish(declaration=demo, label="After close", by=user("secretariat"))
    with pytest.raises(consultations.ConsultationError, match=FROZEN):
        consultations.round_open(
            declaration=demo,
            version=demo.versions.get(number=1),
            deadline=timezone.now() + timedelta(days=3),
            by=user("secretariat"),
        )
    text.refresh_from_db()
    assert text.text != "New words."
    assert demo.versions.count() == 1 and not CommentRound.objects.filter(declaration=demo).exists()


def test_after_close_edit_and_publish_pages_say_why(demo: Declaration) -> None:
    """The pages no longer offer a form: they send the secretariat back with the reason."""
    _closed(demo)
    client = Client()
    client.force_login(user("secretariat"))
    key = first_clause_key(demo)
    for url in (f"/d/{demo.slug}/clauses/{key}/edit/en/", f"/d/{demo.slug}/versions/publish/"):
        response = client.get(url, follow=True)
        assert response.redirect_chain, url
        assert FROZEN in response.content.decode(), url
    response = client.post(f"/d/{demo.slug}/versions/publish/", {"label": "Sneaky", "note": ""})
    assert response.status_code == 302
    assert demo.versions.count() == 1


def test_close_confirm_names_the_parties_still_pending(demo: Declaration) -> None:
    """The secretariat sees who never answered before closing."""
    signing = open_signing(demo)
    designate(signing, "gyeonggi")
    sign(signing, "gyeonggi")
    client = Client()
    client.force_login(user("secretariat"))
    page = client.get(f"/d/{demo.slug}/signing/").content.decode()
    assert "3 parties have not answered: Catalonia, Kyoto, Occitanie." in page


def test_audit_stays_valid_through_the_close(demo: Declaration, capsys: pytest.CaptureFixture[str]) -> None:
    """The close event records which rounds it closed; the keyed chain still verifies."""
    round_, _draft = _round_with_a_draft(demo)
    _closed(demo)
    call_command("verify_audit", demo.slug)
    assert "OK:" in capsys.readouterr().out
    from signing.models import SigningEvent

    closed = SigningEvent.objects.get(declaration=demo, kind="closed")
    assert closed.data["rounds_closed"] == [round_.number]
