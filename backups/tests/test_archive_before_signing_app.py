"""An archive written before signing became its own app (issue 19) still restores, signatures and audit trail."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command

from signing.models import Signature, SigningEvent

from .builders import signed_demo

pytestmark = pytest.mark.django_db(transaction=True)


def _as_written_before_the_split(archive: Path) -> list[str]:
    """Name the signing tables `signatories.*`, as archives of that time did; return the new member names."""
    with zipfile.ZipFile(archive) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    manifest = json.loads(members.pop("manifest.json"))
    renamed = []
    for name in [n for n in members if n.startswith("records/signing.")]:
        old = name.replace("records/signing.", "records/signatories.", 1)
        members[old] = members.pop(name)
        manifest["members"][old] = manifest["members"].pop(name)
        label = name.removeprefix("records/").removesuffix(".jsonl")
        manifest["records"][label.replace("signing.", "signatories.", 1)] = manifest["records"].pop(label)
        renamed.append(old)
    manifest["schema"].pop("signing")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("manifest.json", json.dumps(manifest))
        for name, data in members.items():
            zf.writestr(name, data)
    archive.write_bytes(buffer.getvalue())
    return sorted(renamed)


def test_signatories_labels_of_an_old_archive_restore_into_signing(tmp_path: Path) -> None:
    """Rows under signatories.signing, .signature, .signingevent (every signing table) come back; the trail verifies."""
    declaration = signed_demo()
    before = (
        list(Signature.objects.order_by("pk").values_list("pk", "status", "method", "content_hash")),
        list(SigningEvent.objects.order_by("pk").values_list("pk", "seq", "kind", "entry_hash")),
    )
    archive = tmp_path / "manifesto.zip"
    call_command("export_archive", declaration.slug, "--out", str(archive), verbosity=0)
    assert _as_written_before_the_split(archive) == sorted(
        f"records/signatories.{model._meta.model_name}.jsonl" for model in apps.get_app_config("signing").get_models()
    )
    call_command("flush", interactive=False, verbosity=0)

    call_command("import_archive", str(archive), verbosity=0)

    after = (
        list(Signature.objects.order_by("pk").values_list("pk", "status", "method", "content_hash")),
        list(SigningEvent.objects.order_by("pk").values_list("pk", "seq", "kind", "entry_hash")),
    )
    assert after == before and len(after[0]) == 2
    call_command("verify_audit", declaration.slug, verbosity=0)
