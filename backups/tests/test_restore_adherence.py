"""An archive keeps adherences after close: invitations, the party added to adhere, the edition entry."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from declarations.models import Declaration, DeclarationParty
from signatories.models import Party
from signatories.tests.people_factories import make_party
from signing import adherence
from signing.editions import editions
from signing.models import Signature, Signing, SigningParty
from signing.services import signing_close
from signing.tests.signing_helpers import signing_party, user

from .builders import signed_demo

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_adhered_record_comes_back_whole(tmp_path: Path, settings: Any, capsys: pytest.CaptureFixture[str]) -> None:
    """Export, lose everything, restore: the adherence, the invitation and edition 2 are as they were."""
    declaration = signed_demo()
    signing = Signing.objects.get()
    signing_close(signing=signing, by=user("secretariat"))
    make_party("bretagne")
    adherence.adherence_invite(signing=signing, party=Party.objects.get(key="bretagne"), by=user("secretariat"))
    signing.refresh_from_db()
    adherence.adherence_record_offline(
        signing_party=signing_party(signing, "bretagne"),
        content_hash=signing.version.content_hash,
        method=Signature.Method.IN_PERSON,
        printed_name="Loïc Le Goff",
        printed_title="President",
        adhered_on=timezone.now().date(),
        scan=None,
        by=user("secretariat"),
    )
    adherence.edition_declare(signing=signing, by=user("secretariat"))
    archive = tmp_path / "manifesto.zip"
    call_command("export_archive", declaration.slug, "--out", str(archive), verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(settings.MEDIA_ROOT)
    call_command("import_archive", str(archive), verbosity=0)

    restored = Declaration.objects.get(slug=declaration.slug)
    sp = SigningParty.objects.get(party__key="bretagne")
    assert sp.added_for_adherence and sp.adherence_invited_at is not None
    assert sp.adherence_invited_by is not None and sp.adherence_invited_by.get_username() == "secretariat"
    assert Signature.objects.get(party__key="bretagne").status == Signature.Status.ADHERED
    assert DeclarationParty.objects.filter(declaration=restored, party__key="bretagne").exists()
    assert [e.number for e in editions(restored)] == [1, 2]
    capsys.readouterr()
    call_command("verify_audit", declaration.slug)
    assert capsys.readouterr().out.startswith("OK:")
