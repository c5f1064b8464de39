"""Text changed after signatures: reopening on a new version supersedes answers on the old text."""

from __future__ import annotations

import pytest
from django.core import mail

from declarations.models import Declaration
from signing.models import Signature
from signing.selectors import changes_since, latest_superseded
from signing.services import SigningError, signing_reopen

from .signing_helpers import (
    correct_clause,
    decline,
    designate,
    first_clause_key,
    open_signing,
    publish_and_reopen,
    record_paper,
    sign,
    user,
)

pytestmark = pytest.mark.django_db


def test_reopening_supersedes_every_answer_on_the_old_hash(demo: Declaration) -> None:
    """Signatures and declines on the old text become superseded and point at the new version."""
    signing = open_signing(demo)
    for key in ["gyeonggi", "occitanie"]:
        designate(signing, key)
    sign(signing, "gyeonggi")
    record_paper(signing, "kyoto")
    decline(signing, "occitanie")
    correct_clause(demo, first_clause_key(demo), "A corrected first clause.")
    version, affected = publish_and_reopen(signing)
    assert len(affected) == 3
    assert set(Signature.objects.values_list("status", flat=True)) == {"superseded"}
    assert all(s.superseded_by == version for s in Signature.objects.all())
    old = Signature.objects.first().version  # type: ignore[union-attr]
    old.refresh_from_db()
    version.refresh_from_db()
    assert (old.is_final, version.is_final) == (False, True)


def test_affected_signatories_are_emailed(demo: Declaration, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    """Each affected party's designated signatory is asked to sign again."""
    signing = open_signing(demo)
    designate(signing, "gyeonggi")
    sign(signing, "gyeonggi")
    correct_clause(demo, first_clause_key(demo), "A corrected first clause.")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        publish_and_reopen(signing)
    assert [m.to for m in mail.outbox] == [["gyeonggi.signatory@demo.accord.invalid"]]
    assert "sign again" in mail.outbox[0].subject


def test_signatory_sees_only_the_changed_clause(demo: Declaration) -> None:
    """The redline since signing lists exactly the clause that changed."""
    signing = open_signing(demo)
    designate(signing, "gyeonggi")
    sign(signing, "gyeonggi")
    key = first_clause_key(demo)
    correct_clause(demo, key, "A corrected first clause.")
    version, _ = publish_and_reopen(signing)
    signing.refresh_from_db()
    old = latest_superseded(signing, signing.parties.get(party__key="gyeonggi").party)
    assert old is not None
    changes = changes_since(old.version, version, "en")
    assert [c.key for c in changes] == [key]
    assert "corrected" in str(changes[0].html)


def test_answers_on_identical_text_stand(demo: Declaration) -> None:
    """A new version with the same hash keeps the signatures: the signer saw exactly those words."""
    signing = open_signing(demo)
    designate(signing, "gyeonggi")
    sign(signing, "gyeonggi")
    _version, affected = publish_and_reopen(signing, "Republished unchanged")
    assert affected == []
    assert Signature.objects.get().status == Signature.Status.SIGNED


def test_reopen_needs_a_newer_version(demo: Declaration) -> None:
    """Reopening on the version already being signed is refused."""
    signing = open_signing(demo)
    with pytest.raises(SigningError):
        signing_reopen(signing=signing, version=signing.version, by=user("secretariat"))


def test_resigning_after_supersession(demo: Declaration) -> None:
    """After reopening, the signatory signs the new version; both signatures stay on record."""
    signing = open_signing(demo)
    designate(signing, "gyeonggi")
    old = sign(signing, "gyeonggi")
    correct_clause(demo, first_clause_key(demo), "A corrected first clause.")
    version, _ = publish_and_reopen(signing)
    new = sign(signing, "gyeonggi")
    assert new.content_hash == version.content_hash != old.content_hash
    assert Signature.objects.filter(status="signed").get() == new


def test_the_page_shows_the_redline_since_signing(user_client, demo: Declaration) -> None:  # type: ignore[no-untyped-def]
    """The signing page shows what changed since the signatory signed version 1."""
    signing = open_signing(demo)
    designate(signing, "gyeonggi")
    sign(signing, "gyeonggi")
    correct_clause(demo, first_clause_key(demo), "A corrected first clause.")
    publish_and_reopen(signing)
    content = user_client("gyeonggi.signatory").get(f"/d/{demo.slug}/signing/party/gyeonggi/").content.decode()
    assert "What changed since you signed version 1" in content
    assert content.count('class="change ') == 1
