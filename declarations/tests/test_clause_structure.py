"""Adding, deleting, restoring and moving clauses and sections."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from declarations.demo import MANIFESTO_SLUG
from declarations.models import Clause, ClauseText, DeclarationVersion, Section
from declarations.selectors import declaration_snapshot, document
from declarations.services import DeclarationError, clause_delete, section_delete
from declarations.tests.reading import read_declaration

pytestmark = pytest.mark.django_db

DETAIL = reverse("declarations:detail", args=[MANIFESTO_SLUG])
HTMX = {"HTTP_HX_REQUEST": "true"}


def _url(name: str, *args: str) -> str:
    return reverse(f"declarations:{name}", args=[MANIFESTO_SLUG, *args])


def _keys(section: str) -> list[str]:
    return list(
        Clause.objects.filter(section__key=section, deleted_at=None)
        .order_by("position", "id")
        .values_list("key", flat=True)
    )


def test_delete_hides_clause_from_reading_page_but_not_from_versions(user_client: Any) -> None:
    """A deleted clause leaves the page and the draft, stays in version 1, and is listed for restore."""
    client = user_client("secretariat")
    response = client.post(_url("clause_delete", "recommendation-4"), {"lang": "en"}, **HTMX)
    assert response.status_code == 200
    assert 'id="clause-recommendation-4"' not in response.content.decode()
    assert "Undo" in response.content.decode()
    assert (
        'id="clause-recommendation-4"' not in read_declaration(user_client("kyoto.reviewer"), DETAIL).content.decode()
    )
    keys = [
        c["key"]
        for s in declaration_snapshot(Clause.objects.get(key="recommendation-4").declaration)["sections"]
        for c in s["clauses"]
    ]
    assert "recommendation-4" not in keys
    v1 = DeclarationVersion.objects.get(number=1).snapshot
    assert "recommendation-4" in [c["key"] for s in v1["sections"] for c in s["clauses"]]
    deleted = client.get(_url("deleted")).content.decode()
    assert 'id="deleted-recommendation-4"' in deleted


def test_restore_brings_the_clause_back_in_place(user_client: Any) -> None:
    """Restore puts a deleted clause back where it was, and the history records both steps."""
    client = user_client("secretariat")
    before = _keys("recommendations")
    client.post(_url("clause_delete", "recommendation-4"))
    response = client.post(_url("clause_restore", "recommendation-4"))
    assert response.status_code == 302
    assert _keys("recommendations") == before
    reasons = [h.history_change_reason for h in Clause.objects.get(key="recommendation-4").history.all()]
    assert "Clause deleted" in reasons and "Clause restored" in reasons


def test_move_down_and_up_within_a_section(user_client: Any) -> None:
    """Move down swaps a clause with the next one; move up moves it back."""
    client = user_client("secretariat")
    client.post(_url("clause_move", "recommendation-1"), {"direction": "down"}, **HTMX)
    assert _keys("recommendations")[1:3] == ["recommendation-2", "recommendation-1"]
    client.post(_url("clause_move", "recommendation-1"), {"direction": "up"})
    assert _keys("recommendations")[1:3] == ["recommendation-1", "recommendation-2"]


def test_move_up_from_top_goes_to_previous_section(user_client: Any) -> None:
    """Moving the first clause of a section up puts it at the end of the previous section."""
    user_client("secretariat").post(_url("clause_move", "recommendations-intro"), {"direction": "up"})
    assert _keys("key-commitments")[-1] == "recommendations-intro"
    assert Clause.objects.get(key="recommendations-intro").section.key == "key-commitments"


def test_move_to_another_section(user_client: Any) -> None:
    """Posting a section key moves the clause to the end of that section."""
    user_client("secretariat").post(_url("clause_move", "democracy"), {"section": "vision"})
    assert _keys("vision") == ["vision", "democracy"]


def test_add_clause_after_another(user_client: Any) -> None:
    """Insert after puts a new clause with texts right after the chosen clause; the page shows it."""
    client = user_client("secretariat")
    form = client.get(_url("clause_add", "core-values"), {"after": "human-dignity"}, **HTMX).content.decode()
    assert 'name="text_en"' in form and 'name="text_ko"' in form
    response = client.post(
        _url("clause_add", "core-values"),
        {"after": "human-dignity", "text_en": "Solidarity: we act together.", "text_ko": "", "reason": "New value"},
        **HTMX,
    )
    assert response.status_code == 200
    assert "Solidarity: we act together." in response.content.decode()
    keys = _keys("core-values")
    assert keys[0] == "human-dignity" and keys[1].startswith("core-values")
    new = Clause.objects.get(key=keys[1])
    assert new.texts.get().language == "en"
    assert new.history.first().history_change_reason == "New value"


def test_add_clause_needs_source_text(user_client: Any) -> None:
    """Adding a clause without English text re-shows the form with an error (retargeted into the form)."""
    response = user_client("secretariat").post(_url("clause_add", "core-values"), {"text_ko": "한국어만"}, **HTMX)
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#add-core-values-end"
    assert Clause.objects.filter(section__key="core-values").count() == 3


def test_section_add_edit_move_delete_restore(user_client: Any) -> None:
    """A section can be added with headings, renamed, moved, deleted when empty, and restored."""
    client = user_client("secretariat")
    response = client.post(
        _url("section_add"), {"text_en": "Implementation", "text_ko": "이행", "after": "call-to-action"}
    )
    assert response.status_code == 302
    section = Section.objects.get(key="implementation")
    keys = [sv.section.key for sv in document(section.declaration)]
    assert keys.index("implementation") == keys.index("call-to-action") + 1
    client.post(
        _url("section_edit", "implementation"),
        {"text_en": "Implementation and review", "text_ko": "이행", "base_revision": section.revision},
    )
    section.refresh_from_db()
    assert section.heading["en"] == "Implementation and review" and section.revision == 2
    client.post(_url("section_move", "implementation"), {"direction": "up"})
    keys = [sv.section.key for sv in document(section.declaration)]
    assert keys.index("implementation") == keys.index("call-to-action") - 1
    client.post(_url("section_delete", "implementation"))
    assert "section-implementation" not in read_declaration(client, DETAIL).content.decode()
    client.post(_url("section_restore", "implementation"))
    assert 'id="section-implementation"' in read_declaration(client, DETAIL).content.decode()


def test_section_with_clauses_cannot_be_deleted() -> None:
    """A section that still has live clauses refuses deletion."""
    from declarations.demo import seed_demo

    seed_demo(create_users=True)
    user = get_user_model().objects.get(username="secretariat")
    with pytest.raises(DeclarationError, match="Move or delete"):
        section_delete(section=Section.objects.get(key="vision"), by=user)
    clause_delete(clause=Clause.objects.get(key="vision"), by=user)
    section_delete(section=Section.objects.get(key="vision"), by=user)
    assert ClauseText.objects.filter(clause__key="vision").exists()


def test_outsider_gets_404_on_structure_urls(user_client: Any) -> None:
    """Outsiders get 404 on add, move, restore and the deleted list."""
    client = user_client("outsider")
    assert client.post(_url("clause_move", "democracy"), {"direction": "up"}).status_code == 404
    assert client.get(_url("clause_add", "core-values")).status_code == 404
    assert client.post(_url("clause_restore", "democracy")).status_code == 404
    assert client.get(_url("deleted")).status_code == 404
    assert client.get(_url("section_edit", "vision")).status_code == 404
