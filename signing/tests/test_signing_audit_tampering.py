"""Every tampering of issue 18 with the signing tables or the trail makes verify_audit fail and say what changed."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from declarations.models import Declaration
from signatories.models import Party
from signing.audit import GENESIS, audit_verify, entry_hash
from signing.models import Signature, SigningEvent, SigningParty

from .signing_helpers import decline, designate, open_signing, record_paper, sign

pytestmark = pytest.mark.django_db


@pytest.fixture
def trail(demo: Declaration) -> Declaration:
    signing = open_signing(demo)
    designate(signing, "gyeonggi")
    sign(signing, "gyeonggi")
    record_paper(signing, "kyoto")
    designate(signing, "occitanie")
    decline(signing, "occitanie")
    return demo


def _sql(statement: str, *params: Any) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, list(params))


def _fails(declaration: Declaration, *expected: str) -> str:
    """verify_audit exits non-zero; its message contains every expected fragment."""
    with pytest.raises(CommandError) as caught:
        call_command("verify_audit", declaration.slug)
    message = str(caught.value)
    for fragment in expected:
        assert fragment in message, message
    return message


def _signature(key: str) -> Signature:
    return Signature.objects.get(party__key=key)


EVENTS = SigningEvent._meta.db_table
SIGNATURES = Signature._meta.db_table


def test_untouched_trail_verifies(trail: Declaration, capsys: pytest.CaptureFixture[str]) -> None:
    """The trail of a normal signing is intact and matches every table."""
    call_command("verify_audit", trail.slug)
    assert capsys.readouterr().out.startswith("OK: 6 entries, keyed hash chain intact")


@pytest.mark.parametrize("removed", [1, 2])
def test_deleting_the_last_entries_is_detected(trail: Declaration, removed: int) -> None:
    """Deleting the last event (the decline) or the last two (and the designation) leaves rows the trail lacks."""
    last = SigningEvent.objects.filter(declaration=trail).order_by("-seq")[0].seq
    _sql(f"DELETE FROM {EVENTS} WHERE declaration_id = %s AND seq > %s", trail.pk, last - removed)  # noqa: S608
    declined = _signature("occitanie")
    message = _fails(trail, f"signature {declined.pk} (occitanie, declined) is in the table but not in the audit trail")
    if removed == 2:
        assert "the designation of occitanie is in the table but not in the audit trail" in message


def test_a_decline_turned_into_a_signature_is_detected(trail: Declaration) -> None:
    """UPDATE status=signed, method=drawn on a decline: both fields are named."""
    declined = _signature("occitanie")
    _sql(f"UPDATE {SIGNATURES} SET status = 'signed', method = 'drawn' WHERE id = %s", declined.pk)  # noqa: S608
    _fails(
        trail,
        f"signature {declined.pk} (occitanie): status is 'signed' in the table but 'declined' in the audit trail",
        "method is 'drawn' in the table but 'declined'",
    )


@pytest.mark.parametrize(("column", "value"), [("printed_name", "Somebody Else"), ("content_hash", "f" * 64)])
def test_a_changed_printed_name_or_content_hash_is_detected(trail: Declaration, column: str, value: str) -> None:
    """The signature's printed name or signed hash no longer equals what the signing event recorded."""
    signed = _signature("gyeonggi")
    _sql(f"UPDATE {SIGNATURES} SET {column} = %s WHERE id = %s", value, signed.pk)  # noqa: S608
    _fails(trail, f"signature {signed.pk} (gyeonggi): {column} is '{value}' in the table")


def test_a_signature_moved_to_another_party_is_detected(trail: Declaration) -> None:
    """Gyeonggi's signature re-assigned to Catalonia: the party is named on both sides."""
    signed = _signature("gyeonggi")
    _sql(f"UPDATE {SIGNATURES} SET party_id = %s WHERE id = %s", Party.objects.get(key="catalonia").pk, signed.pk)  # noqa: S608
    _fails(trail, f"signature {signed.pk} (gyeonggi): party is 'catalonia' in the table but 'gyeonggi'")


def test_a_deleted_signature_is_detected(trail: Declaration) -> None:
    """A signature row removed with SQL is still in the trail: reported as missing."""
    recorded = _signature("kyoto")
    _sql(f"DELETE FROM {SIGNATURES} WHERE id = %s", recorded.pk)  # noqa: S608
    _fails(trail, f"signature {recorded.pk} (kyoto), signed in the audit trail, is missing from the table")


def test_a_changed_designation_is_detected(trail: Declaration) -> None:
    """The name printed for a party, changed in the table, differs from the designation event."""
    SigningParty.objects.filter(party__key="occitanie").update(printed_name="Not Marie")
    _fails(trail, "the designation of occitanie: printed_name is 'Not Marie' in the table but 'Marie Dupont'")


def test_an_edited_event_with_every_later_hash_recomputed_is_detected(trail: Declaration) -> None:
    """Without the key, an attacker can only recompute plain SHA-256 links: the first edited entry fails."""
    events = list(SigningEvent.objects.filter(declaration=trail).order_by("seq"))
    target = events[2]  # the signature
    _sql(f"UPDATE {EVENTS} SET actor_name = %s WHERE id = %s", "somebody-else", target.pk)  # noqa: S608
    prev = events[1].entry_hash
    for event in SigningEvent.objects.filter(declaration=trail, seq__gte=target.seq).order_by("seq"):
        # The attacker's best: the documented canonical form, hashed without the key.
        recomputed_hash = entry_hash(event, prev_hash=prev)
        _sql(f"UPDATE {EVENTS} SET prev_hash = %s, entry_hash = %s WHERE id = %s", prev, recomputed_hash, event.pk)  # noqa: S608
        prev = recomputed_hash
    check = audit_verify(trail)
    assert (check.ok, check.broken_id) == (False, target.pk)
    _fails(trail, f"BROKEN at entry id {target.pk}", "recomputed without the key")


def test_an_unkeyed_chain_written_from_scratch_is_detected(trail: Declaration) -> None:
    """Dropping the key ids and rewriting the whole chain as plain SHA-256 is refused at the first entry."""
    prev = GENESIS
    _sql(f"UPDATE {EVENTS} SET key_id = '' WHERE declaration_id = %s", trail.pk)  # noqa: S608
    for event in SigningEvent.objects.filter(declaration=trail).order_by("seq"):
        new_hash = entry_hash(event, prev_hash=prev)
        _sql(f"UPDATE {EVENTS} SET prev_hash = %s, entry_hash = %s WHERE id = %s", prev, new_hash, event.pk)  # noqa: S608
        prev = new_hash
    first = SigningEvent.objects.get(declaration=trail, seq=1)
    _fails(trail, f"BROKEN at entry id {first.pk}: the entry is not keyed")


def test_rotating_the_key_keeps_old_entries_verifiable(trail: Declaration, settings: Any) -> None:
    """A new key alone cannot verify the old entries; listed in ACCORD_AUDIT_OLD_KEYS, the old key does."""
    old_secret = settings.ACCORD_AUDIT_KEY or settings.SECRET_KEY
    settings.ACCORD_AUDIT_KEY = "a-new-key-after-rotation"
    _fails(trail, "which is not configured")
    settings.ACCORD_AUDIT_OLD_KEYS = [old_secret]
    call_command("verify_audit", trail.slug)
    signing = Signature.objects.get(party__key="occitanie").signing
    designate(signing, "catalonia")  # written with the new key
    keys = list(SigningEvent.objects.filter(declaration=trail).order_by("seq").values_list("key_id", flat=True))
    assert keys[-1] != keys[0] and audit_verify(trail).ok


def _make_legacy(declaration: Declaration) -> list[str]:
    """Rewrite the chain as the unkeyed SHA-256 chain written before issue 18; return its hashes."""
    prev, hashes = GENESIS, []
    _sql(f"UPDATE {EVENTS} SET key_id = '' WHERE declaration_id = %s", declaration.pk)  # noqa: S608
    for event in SigningEvent.objects.filter(declaration=declaration).order_by("seq"):
        new_hash = entry_hash(event, prev_hash=prev)
        _sql(f"UPDATE {EVENTS} SET prev_hash = %s, entry_hash = %s WHERE id = %s", prev, new_hash, event.pk)  # noqa: S608
        prev = new_hash
        hashes.append(new_hash)
    return hashes


def _rekey() -> None:
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    # The migration's own models: SigningEvent was signatories' then (signing's since issue 19).
    state = MigrationLoader(connection).project_state(("signatories", "0003_signingevent_keyed"))
    migration = importlib.import_module("signatories.migrations.0003_signingevent_keyed")
    migration.rekey(state.apps, None)


def test_the_migration_rekeys_intact_legacy_chains(trail: Declaration) -> None:
    """An intact unkeyed chain is re-keyed; the old hashes stay in legacy_hash for older PDFs."""
    legacy = _make_legacy(trail)
    _rekey()
    events = list(SigningEvent.objects.filter(declaration=trail).order_by("seq"))
    assert [e.legacy_hash for e in events] == legacy
    assert all(e.key_id for e in events) and audit_verify(trail).ok


def test_the_migration_leaves_a_broken_legacy_chain_broken(trail: Declaration) -> None:
    """Re-keying a chain that was already tampered with would launder it: it stays unkeyed and fails."""
    _make_legacy(trail)
    target = SigningEvent.objects.get(declaration=trail, seq=3)
    _sql(f"UPDATE {EVENTS} SET actor_name = 'x' WHERE id = %s", target.pk)  # noqa: S608
    _rekey()
    assert not SigningEvent.objects.filter(declaration=trail).exclude(key_id="").exists()
    _fails(trail, "the entry is not keyed")


def test_every_flow_keeps_the_trail_matching_the_tables(trail: Declaration) -> None:
    """Revoke, sign again, reopen on a corrected text (supersede), sign, close: verify_audit stays OK."""
    from signing import services

    from .signing_helpers import correct_clause, first_clause_key, publish_and_reopen, signing_party, user

    signing = Signature.objects.get(party__key="gyeonggi").signing
    services.signature_revoke(
        signing_party=signing_party(signing, "gyeonggi"), reason="Wrong image", by=user("gyeonggi.signatory")
    )
    sign(signing, "gyeonggi")
    assert audit_verify(trail).ok, audit_verify(trail).problem
    correct_clause(trail, first_clause_key(trail), "A corrected first clause.")
    _version, superseded = publish_and_reopen(signing)
    assert superseded and audit_verify(trail).ok, audit_verify(trail).problem
    designate(signing, "catalonia")
    sign(signing, "catalonia")
    services.signing_close(signing=signing, by=user("secretariat"))
    check = audit_verify(trail)
    assert check.ok and not check.differences, check.problem


def test_the_trail_page_names_the_differences(trail: Declaration, user_client: Any) -> None:
    """The secretariat's trail page says the tables do not match and lists what changed."""
    declined = _signature("occitanie")
    _sql(f"UPDATE {SIGNATURES} SET status = 'signed', method = 'drawn' WHERE id = %s", declined.pk)  # noqa: S608
    page = user_client("secretariat").get(f"/d/{trail.slug}/signing/audit/").content.decode()
    assert "The hash chain holds, but the signing tables do not match it:" in page
    assert f"signature {declined.pk} (occitanie): status is &#x27;signed&#x27; in the table" in page
