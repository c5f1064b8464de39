"""The sign page's table of a party's comment outcomes: cached, and new after every decision."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from consultations import services
from consultations.models import Comment
from declarations.models import Declaration
from signing.tests.signing_helpers import designate, open_signing

pytestmark = pytest.mark.django_db


def _sign_page(user_client: Any, demo: Declaration) -> str:
    return user_client("gyeonggi.signatory").get(f"/d/{demo.slug}/signing/party/gyeonggi/").content.decode()


def test_a_decision_shows_on_the_sign_page_at_once(
    demo: Declaration, user_client: Any, submitted: Callable[..., Comment], user: Callable[[str], Any]
) -> None:
    """The outcomes come from the cache until a comment changes; the decision is there on the next view."""
    comment = submitted("gyeonggi", text="Name the review body in the text.")
    designate(open_signing(demo), "gyeonggi")
    before = _sign_page(user_client, demo)
    assert "Name the review body in the text." in before and "Not yet decided" in before
    services.comment_dispose(
        comment=comment, disposition="rejected", reason="Out of the manifesto's scope.", by=user("secretariat")
    )
    after = _sign_page(user_client, demo)
    assert "Not yet decided" not in after
    assert "Rejected" in after and "Out of the manifesto&#x27;s scope." in after


def test_the_outcomes_are_read_once_while_nothing_changes(
    demo: Declaration, user_client: Any, submitted: Callable[..., Comment], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A repeat view reads no comments: the table is a fragment under the outcomes stamp."""
    import consultations.selectors

    submitted("gyeonggi")
    designate(open_signing(demo), "gyeonggi")
    calls: list[str] = []
    real = consultations.selectors.party_comment_outcomes

    def counting(**kwargs: Any) -> Any:
        calls.append(kwargs["party"].key)
        return real(**kwargs)

    monkeypatch.setattr(consultations.selectors, "party_comment_outcomes", counting)
    _sign_page(user_client, demo)
    _sign_page(user_client, demo)
    assert calls == ["gyeonggi"]
