"""The audit trail: append-only, hash-chained, and verifiable from the command line."""

from __future__ import annotations

from itertools import pairwise

import pytest
from django.contrib.admin.sites import site
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import RequestFactory

from declarations.models import Declaration
from signing.audit import GENESIS, audit_verify
from signing.models import SigningEvent

from .signing_helpers import decline, designate, open_signing, sign, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def trail(demo: Declaration) -> Declaration:
    signing = open_signing(demo)
    designate(signing, "gyeonggi")
    sign(signing, "gyeonggi")
    designate(signing, "occitanie")
    decline(signing, "occitanie")
    return demo


def test_each_entry_links_to_the_previous(trail: Declaration) -> None:
    """Every entry carries the previous entry's hash; the first carries the genesis hash."""
    events = list(SigningEvent.objects.filter(declaration=trail))
    assert [e.kind for e in events] == ["opened", "designated", "signed", "designated", "declined"]
    assert events[0].prev_hash == GENESIS
    assert all(b.prev_hash == a.entry_hash for a, b in pairwise(events))


def test_verify_audit_reports_ok(trail: Declaration, capsys) -> None:  # type: ignore[no-untyped-def]
    """verify_audit prints OK for an untouched trail."""
    call_command("verify_audit", trail.slug)
    assert capsys.readouterr().out.startswith("OK: 5 entries")


def test_altered_row_breaks_the_chain(trail: Declaration) -> None:
    """Changing a row with SQL makes verify_audit fail, naming the entry; the exit code is non-zero."""
    target = SigningEvent.objects.get(declaration=trail, seq=3)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {SigningEvent._meta.db_table} SET actor_name = %s WHERE id = %s",  # noqa: S608
            ["somebody-else", target.pk],
        )
    check = audit_verify(trail)
    assert (check.ok, check.broken_id) == (False, target.pk)
    assert "does not match its keyed hash" in check.problem
    with pytest.raises(CommandError, match=f"BROKEN at entry id {target.pk}"):
        call_command("verify_audit", trail.slug)


def test_altered_link_is_reported(trail: Declaration) -> None:
    """Rewriting an entry together with its own hash still breaks the next entry's link."""
    target = SigningEvent.objects.get(declaration=trail, seq=2)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {SigningEvent._meta.db_table} SET entry_hash = %s WHERE id = %s",  # noqa: S608
            ["f" * 64, target.pk],
        )
    assert audit_verify(trail).broken_id == target.pk


def test_entries_cannot_be_changed_or_deleted_through_the_app(trail: Declaration) -> None:
    """save() on an existing entry and delete() both refuse."""
    event = SigningEvent.objects.filter(declaration=trail).first()
    assert event is not None
    event.actor_name = "x"
    with pytest.raises(ValueError, match="never change"):
        event.save()
    with pytest.raises(ValueError, match="never deleted"):
        event.delete()


def test_admin_is_read_only(trail: Declaration) -> None:
    """The back office can list the trail but not add, change or delete entries."""
    request = RequestFactory().get("/")
    request.user = user("secretariat")
    admin = site._registry[SigningEvent]
    assert not admin.has_add_permission(request)
    assert not admin.has_change_permission(request)
    assert not admin.has_delete_permission(request)


def test_secretariat_reads_the_trail(user_client, trail: Declaration) -> None:  # type: ignore[no-untyped-def]
    """The trail page shows the entries and that the chain holds; participants get 403."""
    response = user_client("secretariat").get(f"/d/{trail.slug}/signing/audit/")
    assert "The hash chain holds (5 entries)." in response.content.decode()
    assert user_client("gyeonggi.focal").get(f"/d/{trail.slug}/signing/audit/").status_code == 403
    assert user_client("outsider").get(f"/d/{trail.slug}/signing/audit/").status_code == 404
