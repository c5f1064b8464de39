"""Command-line wrappers: publish_version and clause_history."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from declarations.demo import MANIFESTO_SLUG
from declarations.models import Clause, ClauseText, Declaration, DeclarationVersion
from declarations.services import clause_text_update

pytestmark = pytest.mark.django_db


def test_publish_version_warns_about_drift_and_publishes(demo: Declaration) -> None:
    """publish_version prints drift warnings on stderr and the new version's number and hash."""
    clause = Clause.objects.get(key="recommendation-5")
    user = get_user_model().objects.get(username="secretariat")
    clause_text_update(clause=clause, language="en", text="Changed.", base_revision=1, by=user, reason="Test")
    out, err = StringIO(), StringIO()
    call_command("publish_version", MANIFESTO_SLUG, "--label", "Revised draft", stdout=out, stderr=err)
    version = DeclarationVersion.objects.get(declaration=demo, number=2)
    assert out.getvalue().strip() == f"2\tRevised draft\t{version.content_hash}"
    assert "recommendation-5 [ko]: translation needs update" in err.getvalue()


def test_publish_version_unknown_slug_fails(demo: Declaration) -> None:
    """An unknown slug is a command error."""
    with pytest.raises(CommandError):
        call_command("publish_version", "nope", "--label", "x")


def test_clause_history_lists_revisions(demo: Declaration) -> None:
    """clause_history prints one line per revision with user and reason."""
    clause = Clause.objects.get(key="recommendation-5")
    user = get_user_model().objects.get(username="secretariat")
    en = ClauseText.objects.get(clause=clause, language="en")
    clause_text_update(clause=clause, language="en", text=en.text + " More.", base_revision=1, by=user, reason="Why")
    out = StringIO()
    call_command("clause_history", MANIFESTO_SLUG, "recommendation-5", stdout=out)
    lines = out.getvalue().splitlines()
    assert any(line.startswith("en\t2\t") and line.endswith("\tsecretariat\tWhy") for line in lines)
    assert any(line.startswith("ko\t1\t") for line in lines)
