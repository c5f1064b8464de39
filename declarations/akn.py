"""Akoma Ntoso 3.0 (OASIS LegalDocML) export and import of a published version, AKN4UN naming (docs/formats.md).

One file is one expression (one language) of the work "this declaration": a ``statement`` named
``declaration``, with FRBR Work / Expression / Manifestation IRIs, sections and paragraphs whose
``eId``s come from Accord's section and clause keys, and, for the signed final text, the signatories
and their dates in the conclusions. ``parse_akn`` reads such files back into the interchange format.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from lxml import etree

from .interchange import InterchangeError, SnapshotData, validate
from .models import Declaration, DeclarationVersion

NS = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
AKN_CONTENT_TYPE = "application/akn+xml"
MAX_AKN = 50 * 1024 * 1024
# ISO 639-2 (the codes AKN4UN uses in IRIs and FRBRlanguage) for ISO 639-1 codes Accord stores.
ISO639_2 = {
    "ar": "ara", "ca": "cat", "de": "deu", "en": "eng", "es": "spa", "fr": "fra", "it": "ita", "ja": "jpn",
    "ko": "kor", "oc": "oci", "pt": "por", "ru": "rus", "zh": "zho",
}  # fmt: skip
ISO639_1 = {three: two for two, three in ISO639_2.items()}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
_NOT_ID = re.compile(r"[^a-z0-9-]")


class AknError(ValueError):
    """The XML is not an Akoma Ntoso document Accord can read; the message says why."""


@dataclass(frozen=True)
class AknSignature:
    """One party's signature for the conclusions (given by the signing app: declarations does not read it)."""

    party_key: str
    party_name: str
    person: str
    role: str
    signed_at: datetime.datetime


def _e(tag: str, *children: Any, text: str | None = None, **attributes: str) -> etree._Element:
    element = etree.Element(f"{{{NS}}}{tag}", nsmap={None: NS})
    for key, value in attributes.items():
        element.set(key.rstrip("_"), value)
    if text is not None:
        element.text = text
    for child in children:
        element.append(child)
    return element


def akn_language(code: str) -> str:
    base = code.split("-")[0].lower()
    return ISO639_2.get(base, base)


def work_iri(declaration: Declaration, version: DeclarationVersion) -> str:
    """``/akn/un/statement/declaration/<date of the first version>/<slug>``: one work, whatever its versions."""
    first = declaration.versions.order_by("number").first() or version
    return f"/akn/un/statement/declaration/{first.published_at.date().isoformat()}/{declaration.slug}"


def expression_iri(declaration: Declaration, version: DeclarationVersion, language: str) -> str:
    return f"{work_iri(declaration, version)}/{akn_language(language)}@{version.published_at.date().isoformat()}"


def section_eid(key: str) -> str:
    return f"sec_{key}"


def clause_eid(section_key: str, clause_key: str) -> str:
    return f"{section_eid(section_key)}__para_{clause_key}"


def _ref_id(prefix: str, value: str) -> str:
    return f"{prefix}_{_NOT_ID.sub('-', value.lower())}"


def _paragraphs(text: str) -> list[etree._Element]:
    return [_e("p", text=line) for line in text.split("\n")] or [_e("p")]


def build_akn(
    *,
    declaration: Declaration,
    version: DeclarationVersion,
    language: str,
    signatures: Sequence[AknSignature] = (),
    generated: datetime.datetime | None = None,
) -> bytes:
    """The version in one language as an Akoma Ntoso 3.0 ``statement``; signatures go in the conclusions."""
    snapshot = version.snapshot
    if language not in snapshot.get("languages", []):
        raise ValueError(f"Not a language of version {version.number}: {language}")
    generated = generated or version.published_at
    work = work_iri(declaration, version)
    expression = expression_iri(declaration, version, language)
    published = version.published_at.date().isoformat()
    references = _e(
        "references",
        _e("TLCOrganization", eId="accord", href="/akn/ontology/organization/accord", showAs="Accord"),
        _e(
            "TLCOrganization",
            eId="secretariat",
            href=f"/akn/ontology/organization/un/{declaration.slug}-secretariat",
            showAs="Secretariat",
        ),
        source="#accord",
    )
    for signature in signatures:
        party = _ref_id("party", signature.party_key)
        organization = f"/akn/ontology/organization/{signature.party_key}"
        person = f"/akn/ontology/person/{signature.party_key}/signatory"
        references.append(_e("TLCOrganization", eId=party, href=organization, showAs=signature.party_name))
        references.append(
            _e("TLCPerson", eId=f"{party}-signatory", href=person, showAs=signature.person or signature.party_name)
        )
    meta = _e(
        "meta",
        _e(
            "identification",
            _e(
                "FRBRWork",
                _e("FRBRthis", value=f"{work}/!main"),
                _e("FRBRuri", value=work),
                _e("FRBRdate", date=published, name="publication"),
                _e("FRBRauthor", href="#secretariat"),
                _e("FRBRcountry", value="un"),
                _e("FRBRsubtype", value="declaration"),
                _e("FRBRnumber", value=declaration.slug),
                _e("FRBRname", value=declaration.display_title(language)),
            ),
            _e(
                "FRBRExpression",
                _e("FRBRthis", value=f"{expression}/!main"),
                _e("FRBRuri", value=expression),
                _e("FRBRdate", date=published, name="version"),
                _e("FRBRauthor", href="#secretariat"),
                _e("FRBRversionNumber", value=str(version.number)),
                _e("FRBRlanguage", language=akn_language(language)),
            ),
            _e(
                "FRBRManifestation",
                _e("FRBRthis", value=f"{expression}/!main.xml"),
                _e("FRBRuri", value=f"{expression}.akn"),
                _e("FRBRdate", date=generated.date().isoformat(), name="generation"),
                _e("FRBRauthor", href="#accord"),
                _e("FRBRformat", value="application/akn+xml"),
            ),
            source="#accord",
        ),
        references,
    )
    title = snapshot.get("title", {}).get(language, "")
    preface = _e(
        "preface",
        _e("p", _e("docTitle", text=title), class_="title"),
        _e("p", _e("docNumber", text=f"Version {version.number}"), text=None, class_="version"),
    )
    body = _e("mainBody")
    number = 0
    for section in snapshot.get("sections", []):
        element = _e(
            "section", _e("heading", text=section.get("heading", {}).get(language, "")), eId=section_eid(section["key"])
        )
        for clause in section.get("clauses", []):
            number += 1
            element.append(
                _e(
                    "paragraph",
                    _e("num", text=f"{number}."),
                    _e("content", *_paragraphs(clause.get("text", {}).get(language, ""))),
                    eId=clause_eid(section["key"], clause["key"]),
                )
            )
        body.append(element)
    document = _e("statement", meta, preface, body, name="declaration", contains="originalVersion")
    if signatures:
        document.append(_conclusions(signatures))
    root = _e("akomaNtoso", document)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _conclusions(signatures: Sequence[AknSignature]) -> etree._Element:
    conclusions = _e("conclusions", eId="conclusions")
    for signature in signatures:
        party = _ref_id("party", signature.party_key)
        line = _e(
            "signature",
            _e("party", text=signature.party_name, refersTo=f"#{party}"),
            _e(
                "person",
                text=signature.person or signature.party_name,
                refersTo=f"#{party}-signatory",
                as_="#signatory",
            ),
            _e("role", text=signature.role or "Signatory", refersTo=f"#{party}-signatory"),
            _e("date", text=signature.signed_at.date().isoformat(), date=signature.signed_at.date().isoformat()),
        )
        for child in list(line)[:-1]:
            child.tail = ", "
        conclusions.append(_e("p", line, eId=f"conclusions__signature_{signature.party_key}"))
    return conclusions


# --- import -----------------------------------------------------------------------------------------


def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def _text_of(element: etree._Element | None) -> str:
    return "".join(element.itertext()) if element is not None else ""


def _read(data: bytes) -> tuple[str, etree._Element]:
    if len(data) > MAX_AKN:
        raise AknError("The file is larger than 50 MB.")
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as error:
        raise AknError(f"Not well-formed XML: {error}") from None
    if root.getroottree().docinfo.doctype:
        raise AknError("A document type declaration (DTD) is not accepted.")
    if root.tag != _q("akomaNtoso") or len(root) != 1:
        raise AknError("Not an Akoma Ntoso 3.0 document (the root must be akomaNtoso with one document).")
    document = root[0]
    language = document.find(f"{_q('meta')}/{_q('identification')}/{_q('FRBRExpression')}/{_q('FRBRlanguage')}")
    if language is None or not language.get("language"):
        raise AknError("The document names no expression language (FRBRlanguage).")
    return ISO639_1.get(language.get("language", ""), language.get("language", "")), document


def parse_akn(files: bytes | Sequence[bytes]) -> SnapshotData:
    """One or more expressions (one per language) of a declaration → the interchange format, validated.

    Sections and clauses are keyed by their eIds (``sec_<key>``, ``sec_<key>__para_<key>``); the first
    file's language is the source language. Raises AknError (or InterchangeError) when it cannot.
    """
    documents = [_read(data) for data in ([files] if isinstance(files, bytes) else list(files))]
    if not documents:
        raise AknError("No document given.")
    languages = [language for language, _document in documents]
    if len(set(languages)) != len(languages):
        raise AknError("Two files are in the same language.")
    data: dict[str, Any] = {"title": {}, "languages": languages, "sections": []}
    sections: dict[str, dict[str, Any]] = {}
    for language, document in documents:
        title = document.find(f".//{_q('preface')}//{_q('docTitle')}")
        data["title"][language] = _text_of(title)
        body = document.find(_q("mainBody"))
        if body is None:
            raise AknError("The document has no mainBody.")
        for section in body.findall(_q("section")):
            key = section.get("eId", "").removeprefix("sec_")
            if key not in sections:
                sections[key] = {"key": key, "heading": {}, "clauses": [], "_by_key": {}}
                data["sections"].append(sections[key])
            target = sections[key]
            target["heading"][language] = _text_of(section.find(_q("heading")))
            for paragraph in section.findall(_q("paragraph")):
                clause_key = paragraph.get("eId", "").rpartition("__para_")[2]
                content = paragraph.find(_q("content"))
                lines = [_text_of(p) for p in content.findall(_q("p"))] if content is not None else []
                if clause_key not in target["_by_key"]:
                    target["_by_key"][clause_key] = {"key": clause_key, "text": {}}
                    target["clauses"].append(target["_by_key"][clause_key])
                target["_by_key"][clause_key]["text"][language] = "\n".join(lines)
    for section in data["sections"]:
        del section["_by_key"]
        for clause in section["clauses"]:
            clause["text"] = {lang: text for lang, text in clause["text"].items() if text}
    try:
        return validate(data)
    except InterchangeError as error:
        raise AknError(f"The document does not make a declaration: {error}") from None
