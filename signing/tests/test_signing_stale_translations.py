"""Signing a version with translations flagged out of date: refused unless the secretariat confirms why (issue 21, part 4)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from declarations.models import Clause, ClauseText, Declaration, DeclarationVersion
from declarations.services import clause_text_update, version_publish
from signatories.models import Party
from signing import services
from signing.audit import audit_verify
from signing.models import Signing, SigningEvent, StaleTranslationConfirmation
from signing.stale import StaleText, StaleTranslationsError, stale_texts

from .signing_helpers import designate, open_signing, user

pytestmark = pytest.mark.django_db

REASON = "The Korean corrections are typographical; the Korean delegation reviewed them on 12 September."


def _two_keys(demo: Declaration) -> list[str]:
    clauses = Clause.objects.filter(declaration=demo).order_by("section__position", "position")
    return [c.key for c in clauses[1:3]]


def _stale_version(demo: Declaration) -> DeclarationVersion:
    """Version 2: the English of two clauses changed, so their Korean is flagged "needs update"."""
    for key in _two_keys(demo):
        item = ClauseText.objects.get(clause__declaration=demo, clause__key=key, language="en")
        clause_text_update(
            clause=item.clause,
            language="en",
            text=item.text + " (amended)",
            base_revision=item.revision,
            by=user("secretariat"),
        )
    return version_publish(declaration=demo, label="Final", by=user("secretariat"))


def _open(demo: Declaration, version: DeclarationVersion, **extra: Any) -> Signing:
    return services.signing_open(
        declaration=demo,
        version=version,
        parties=[Party.objects.get(key=k) for k in ("gyeonggi", "catalonia")],
        deadline=timezone.now() + timedelta(days=7),
        by=user("secretariat"),
        **extra,
    )


def test_a_version_knows_the_translations_flagged_when_it_was_published(demo: Declaration) -> None:
    """The Korean of the two amended clauses is stale in version 2; catching up later does not change version 2."""
    version = _stale_version(demo)
    keys = _two_keys(demo)
    texts = stale_texts(version)
    assert [(t.clause, t.language) for t in texts] == [(keys[0], "ko"), (keys[1], "ko")]
    assert [t.number for t in texts] == [2, 3]
    assert stale_texts(demo.versions.get(number=1)) == []
    # The translator catches up on the draft: version 2 still holds the old Korean, version 3 does not.
    for key in keys:
        item = ClauseText.objects.get(clause__declaration=demo, clause__key=key, language="ko")
        clause_text_update(
            clause=item.clause,
            language="ko",
            text=item.text + " (수정)",
            base_revision=item.revision,
            by=user("secretariat"),
        )
    assert len(stale_texts(version)) == 2
    assert stale_texts(version_publish(declaration=demo, label="Corrected", by=user("secretariat"))) == []


def test_opening_on_stale_translations_is_refused_without_a_reason(demo: Declaration) -> None:
    """The refusal names the language and the clauses; nothing is opened or marked final."""
    version = _stale_version(demo)
    _two_keys(demo)
    with pytest.raises(StaleTranslationsError) as refused:
        _open(demo, version)
    assert "한국어: ¶2, ¶3" in str(refused.value)
    assert not Signing.objects.filter(declaration=demo).exists()
    version.refresh_from_db()
    demo.refresh_from_db()
    assert not version.is_final and demo.status != Declaration.Status.SIGNING
    with pytest.raises(StaleTranslationsError):
        _open(demo, version, stale_reason="   ")


def test_a_confirmed_opening_records_who_when_why_and_which_texts(demo: Declaration) -> None:
    """The confirmation is stored and written into the "opened" audit entry; the trail still verifies."""
    version = _stale_version(demo)
    keys = _two_keys(demo)
    signing = _open(demo, version, stale_reason=REASON)
    confirmation = StaleTranslationConfirmation.objects.get(signing=signing)
    assert confirmation.version == version
    assert confirmation.confirmed_by == user("secretariat")
    assert confirmation.reason == REASON
    assert confirmation.confirmed_at is not None
    assert confirmation.texts == [
        {"clause": keys[0], "number": 2, "language": "ko"},
        {"clause": keys[1], "number": 3, "language": "ko"},
    ]
    event = SigningEvent.objects.get(declaration=demo, kind=SigningEvent.Kind.OPENED)
    assert event.data["stale_translations"] == {"texts": confirmation.texts, "reason": REASON}
    assert audit_verify(demo).ok


def test_a_version_without_stale_translations_needs_no_confirmation(demo: Declaration) -> None:
    """Nothing is stored and the audit entry keeps its usual shape."""
    signing = open_signing(demo)
    assert not StaleTranslationConfirmation.objects.filter(signing=signing).exists()
    assert "stale_translations" not in SigningEvent.objects.get(declaration=demo).data


def test_reopening_on_stale_translations_needs_the_same_confirmation(demo: Declaration) -> None:
    """Moving signing to a stale version is refused without a reason and recorded with one."""
    signing = open_signing(demo)
    version = _stale_version(demo)
    with pytest.raises(StaleTranslationsError):
        services.signing_reopen(signing=signing, version=version, by=user("secretariat"))
    signing.refresh_from_db()
    assert signing.version.number == 1
    services.signing_reopen(signing=signing, version=version, stale_reason=REASON, by=user("secretariat"))
    assert StaleTranslationConfirmation.objects.get(signing=signing, version=version).reason == REASON
    event = SigningEvent.objects.get(declaration=demo, kind=SigningEvent.Kind.REOPENED)
    assert event.data["stale_translations"]["reason"] == REASON


def _form(demo: Declaration, version: DeclarationVersion, **extra: str) -> dict[str, Any]:
    return {
        "version": version.pk,
        "parties": [Party.objects.get(key="gyeonggi").pk],
        "deadline": (timezone.now() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
        **extra,
    }


def test_the_open_form_warns_and_asks_for_the_confirmation(user_client: Any, demo: Declaration) -> None:
    """The form lists the stale texts; sent without the box it is refused, with the box and a reason it opens."""
    version = _stale_version(demo)
    _two_keys(demo)
    client = user_client("secretariat")
    url = f"/d/{demo.slug}/signing/open/"
    page = client.get(url).content.decode()
    assert "¶2" in page and 'name="stale_confirmed"' in page
    refused = client.post(url, _form(demo, version))
    assert refused.status_code == 200
    assert "Translations in this version were flagged out of date" in refused.content.decode()
    assert not Signing.objects.filter(declaration=demo).exists()
    no_reason = client.post(url, _form(demo, version, stale_confirmed="on"))
    assert "Say why signing goes ahead." in no_reason.content.decode()
    assert not Signing.objects.filter(declaration=demo).exists()
    opened = client.post(url, _form(demo, version, stale_confirmed="on", stale_reason=REASON))
    assert opened.status_code == 302
    assert StaleTranslationConfirmation.objects.get(signing__declaration=demo).reason == REASON


def test_korean_readers_are_warned_on_the_sign_page(user_client: Any, demo: Declaration) -> None:
    """Reading in Korean (or with the Korean interface) shows the warning and the reason; English readers see none."""
    signing = _open(_demo := demo, _stale_version(demo), stale_reason=REASON)
    designate(signing, "gyeonggi")
    client = user_client("gyeonggi.signatory")
    url = f"/d/{demo.slug}/signing/party/gyeonggi/"
    korean = client.get(url + "?lang=ko").content.decode()
    assert "Translation out of date: 한국어" in korean and REASON in korean
    english = client.get(url + "?lang=en").content.decode()
    assert "Translation out of date" not in english
    client.cookies["django_language"] = "ko"
    interface = client.get(url + "?lang=en").content.decode()
    assert "stale-warning" in interface and REASON in interface
    assert user_client("outsider").get(url).status_code == 404


def test_the_board_states_the_confirmation(user_client: Any, demo: Declaration) -> None:
    """Everyone reading the board sees that signing goes ahead on out-of-date translations, and why."""
    _open(demo, _stale_version(demo), stale_reason=REASON)
    page = user_client("catalonia.focal").get(f"/d/{demo.slug}/signing/").content.decode()
    assert "although translations were flagged out of date" in page and REASON in page


def test_stale_text_round_trips_through_its_stored_form() -> None:
    """What the confirmation row stores reads back as the same text."""
    item = StaleText(clause="principle-a", number=4, language="ko")
    assert StaleText.from_dict(item.as_dict()) == item
