"""The status board's cached rows: never stale after an answer, never one viewer's rights for another."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from declarations.models import Declaration
from signatories.models import Party
from signing import services
from signing.models import Signing

from .signing_helpers import (
    correct_clause,
    decline,
    designate,
    first_clause_key,
    open_signing,
    publish_and_reopen,
    record_paper,
    sign,
    signing_party,
    user,
)

pytestmark = pytest.mark.django_db

VIEWERS = [
    "secretariat",
    "gyeonggi.focal",
    "gyeonggi.signatory",
    "occitanie.focal",
    "kyoto.reviewer",
    "observer",
    "catalonia.signatory",
]
QUERIES = ["", "?order=alpha", "?order=name&lang=ko"]


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    cache.clear()


def _board(client: Client, demo: Declaration, query: str = "", language: str = "en") -> str:
    response = client.get(f"/d/{demo.slug}/signing/{query}", headers={"accept-language": language})
    assert response.status_code == 200
    # The CSRF token differs per session; everything else must be the same.
    return re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', r"\1-", response.content.decode())


def _row(html: str, key: str) -> str:
    start = html.index(f'<tr id="party-{key}"')
    return html[start : html.index("</tr>", start)]


def _every_state(demo: Declaration) -> Signing:
    """Signed, re-signed after a revocation, superseded, on paper, declined privately; signing open."""
    signing = open_signing(demo)
    for key in ["gyeonggi", "catalonia", "occitanie"]:
        designate(signing, key)
    sign(signing, "gyeonggi")
    sign(signing, "catalonia")
    correct_clause(demo, first_clause_key(demo), "A corrected first clause.")
    publish_and_reopen(signing)
    sign(signing, "gyeonggi")
    services.signature_revoke(signing_party=signing_party(signing, "gyeonggi"), by=user("gyeonggi.signatory"))
    sign(signing, "gyeonggi")
    record_paper(signing, "kyoto")
    decline(signing, "occitanie", "Our parliament <b>said no</b>.")
    signing.refresh_from_db()
    return signing


def test_every_viewer_sees_the_same_board_from_the_cache(user_client, demo: Declaration) -> None:  # type: ignore[no-untyped-def]
    """For each role, order and language, a board built on a warm cache equals one built on an empty cache."""
    _every_state(demo)
    clients = {name: user_client(name) for name in VIEWERS}
    fresh = {}
    for name, client in clients.items():
        for query in QUERIES:
            for language in ["en", "ko"]:
                cache.clear()
                fresh[name, query, language] = _board(client, demo, query, language=language)
    # Warm in one order, then read in the reverse order: every viewer reads what another one left in the cache.
    for name in reversed(VIEWERS):
        for query in QUERIES:
            for language in ["en", "ko"]:
                _board(clients[name], demo, query, language=language)
    for name, client in clients.items():
        for query in QUERIES:
            for language in ["en", "ko"]:
                assert _board(client, demo, query, language=language) == fresh[name, query, language], (
                    name,
                    query,
                    language,
                )


def test_one_viewer_s_rights_never_reach_another(user_client, demo: Declaration) -> None:  # type: ignore[no-untyped-def]
    """Actions, scans and private reasons follow the viewer, whoever filled the cache."""
    _every_state(demo)
    for first in VIEWERS:
        cache.clear()
        _board(user_client(first), demo)  # whoever comes first fills the cache
        secretariat = _board(user_client("secretariat"), demo)
        assert "/party/catalonia/record/" in _row(secretariat, "catalonia")  # superseded: may be recorded on paper
        assert "/scan/" in _row(secretariat, "kyoto")  # the paper signature's scan
        assert "said no" in _row(secretariat, "occitanie")
        assert "/designate/" not in secretariat

        focal = _board(user_client("gyeonggi.focal"), demo)
        assert "/party/gyeonggi/designate/" in focal and focal.count("/designate/") == 1
        assert "Record paper signature" not in focal
        assert "/scan/" not in focal and "said no" not in focal

        signatory = _board(user_client("catalonia.signatory"), demo)
        assert f'href="/d/{demo.slug}/signing/party/catalonia/"' in signatory
        assert "/designate/" not in signatory and "/party/gyeonggi/" not in signatory
        assert "said no" not in signatory

        own = _board(user_client("occitanie.focal"), demo)
        assert "said no" in _row(own, "occitanie") and "/party/occitanie/designate/" in own
        assert "/scan/" not in own

        for outsider in ["kyoto.reviewer", "observer"]:
            page = _board(user_client(outsider), demo)
            assert "said no" not in page and "/designate/" not in page and "Record paper signature" not in page
        assert "/scan/" in _board(user_client("kyoto.reviewer"), demo)  # their own party's scan
        assert "/scan/" not in _board(user_client("observer"), demo)


def test_an_answer_shows_at_once(user_client, demo: Declaration) -> None:  # type: ignore[no-untyped-def]
    """Signing, declining, revoking, designating and reopening each change the board the next request shows."""
    signing = open_signing(demo)
    observer, secretariat = user_client("observer"), user_client("secretariat")

    def rows(key: str) -> tuple[str, str]:
        return _row(_board(observer, demo), key), _row(_board(secretariat, demo), key)

    assert all("Not designated yet" in row for row in rows("gyeonggi"))
    designate(signing, "gyeonggi")
    assert all("Kim Min-ji" in row and "badge-pending" in row for row in rows("gyeonggi"))
    sign(signing, "gyeonggi")
    assert all("badge-signed" in row and "sig-thumb" in row for row in rows("gyeonggi"))
    services.signature_revoke(signing_party=signing_party(signing, "gyeonggi"), by=user("gyeonggi.signatory"))
    assert all("badge-pending" in row and "history-revoked" in row for row in rows("gyeonggi"))

    designate(signing, "occitanie")
    decline(signing, "occitanie", "Not this year.", public=True)
    assert all("badge-declined" in row and "Not this year." in row for row in rows("occitanie"))
    record_paper(signing, "kyoto")
    assert all("method-paper" in row for row in rows("kyoto"))

    sign(signing, "gyeonggi")
    correct_clause(demo, first_clause_key(demo), "A corrected first clause.")
    before = _board(secretariat, demo)
    assert "Reopen signing on this version" not in before
    publish_and_reopen(signing)
    assert all("badge-superseded" in row for row in rows("gyeonggi"))
    assert 'class="count-superseded">2 superseded' in _board(observer, demo)  # gyeonggi and kyoto signed v1

    signing.refresh_from_db()
    sign(signing, "gyeonggi")
    services.signing_close(signing=signing, by=user("secretariat"))
    closed = _board(secretariat, demo)
    assert "badge-signed" in _row(closed, "gyeonggi") and "Read and sign" not in closed
    assert "Record paper signature" not in closed


def test_a_new_version_or_party_name_shows_at_once(user_client, demo: Declaration) -> None:  # type: ignore[no-untyped-def]
    """Publishing a newer version offers reopening; renaming a party renames its row."""
    signing = open_signing(demo)
    secretariat = user_client("secretariat")
    assert "Reopen signing on this version" not in _board(secretariat, demo)
    correct_clause(demo, first_clause_key(demo), "A corrected first clause.")
    from declarations.services import version_publish

    version_publish(declaration=demo, label="Corrected", by=user("secretariat"))
    assert "Reopen signing on this version" in _board(secretariat, demo)

    party = Party.objects.get(key="kyoto")
    party.name = {**party.name, "en": "Kyoto Prefectural Government"}
    party.save()
    assert "Kyoto Prefectural Government" in _row(_board(secretariat, demo), "kyoto")
    assert signing.pk


def test_a_cached_board_reads_no_answers(user_client, demo: Declaration) -> None:  # type: ignore[no-untyped-def]
    """From the cache, the board reads no answers (only whether the viewer is a designated signatory)."""
    _every_state(demo)
    client = user_client("gyeonggi.focal")
    _board(client, demo)
    with CaptureQueriesContext(connection) as ctx:
        _board(client, demo)
    tables = " ".join(q["sql"] for q in ctx.captured_queries)
    assert "signatories_signature" not in tables
