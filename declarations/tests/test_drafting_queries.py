"""Pages cost the same number of queries whatever the number of clauses (no query per clause)."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import F, Value
from django.db.models.functions import Concat
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from declarations.demo import MANIFESTO_FILE, MANIFESTO_SLUG
from declarations.models import Clause, ClauseText, Declaration
from declarations.services import (
    declaration_add_party,
    declaration_grant_observer,
    declaration_grant_secretariat,
    declaration_import,
    version_publish,
)

pytestmark = pytest.mark.django_db

BIG = "big-manifesto"


@pytest.fixture
def big(demo: Declaration) -> Declaration:
    """The manifesto with every clause five times (90 clauses), shared like the demo, with 2 versions."""
    data = json.loads(MANIFESTO_FILE.read_text())
    data = copy.deepcopy(data)
    for section in data["sections"]:
        section["clauses"] = [
            {**clause, "key": f"{clause['key']}-{n}"} for n in range(5) for clause in section["clauses"]
        ]
    secretariat = get_user_model().objects.get(username="secretariat")
    declaration = declaration_import(data=data, by=secretariat, slug=BIG)
    declaration_grant_secretariat(declaration=declaration, user=secretariat, by=secretariat)
    for link in demo.participations.select_related("party"):
        declaration_add_party(declaration=declaration, party=link.party, role=link.role, by=secretariat)
    observer = get_user_model().objects.get(username="observer")
    declaration_grant_observer(declaration=declaration, user=observer, by=secretariat)
    version_publish(declaration=declaration, label="Like the demo's version 1", by=secretariat)
    for d in (demo, declaration):
        version_publish(declaration=d, label="Two", by=secretariat)
    # Every English text changed since the versions, every Korean text flagged (test set-up, so a
    # plain update without history): every page then has a redline and a flag per clause.
    texts = ClauseText.objects.filter(clause__declaration__in=[demo, declaration])
    texts.filter(language="en").update(text=Concat(F("text"), Value(" Amended.")))
    texts.filter(language="ko").update(needs_review=True)
    assert Clause.objects.filter(declaration=declaration).count() == 5 * Clause.objects.filter(declaration=demo).count()
    return declaration


def _count(client: Any, url: str, params: dict[str, str]) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("username", "name", "args", "params"),
    [
        ("gyeonggi.reviewer", "detail", [], {"lang": "en", "with": "ko"}),
        ("secretariat", "detail", [], {"lang": "ko"}),
        ("secretariat", "version_publish", [], {}),
        ("observer", "versions", [], {}),
        ("observer", "version", [2], {"lang": "ko", "with": "en"}),
        ("kyoto.focal", "compare", [], {"from": "1", "to": "draft", "lang": "en", "all": "1"}),
        ("secretariat", "compare", [], {"from": "1", "to": "2", "view": "side"}),
        ("secretariat", "deleted", [], {}),
    ],
)
def test_queries_do_not_grow_with_clauses(
    big: Declaration,
    user_client: Any,
    django_assert_max_num_queries: Any,
    username: str,
    name: str,
    args: list[Any],
    params: dict[str, str],
) -> None:
    """The page for a declaration with 5x the clauses runs no more queries than the manifesto's."""
    client = user_client(username)
    small = _count(client, reverse(f"declarations:{name}", args=[MANIFESTO_SLUG, *args]), params)
    with django_assert_max_num_queries(small):
        assert client.get(reverse(f"declarations:{name}", args=[BIG, *args]), params).status_code == 200
