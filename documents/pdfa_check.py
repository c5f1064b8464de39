"""Light structural PDF/A-3a self-check (not a validator).

veraPDF (Java) is not available in this project, so after sealing we re-check
the properties that rendering and sealing are known to be able to break:
header version, XMP identification, output intent, associated files,
Info ↔ XMP agreement, annotation flags, fonts embedded, no encryption, and for
level A the tagging (/MarkInfo, a structure tree, the catalog /Lang).
Returns human-readable problems; an empty list means "none of the checked
properties is broken", not "certified PDF/A".
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any, Final
from xml.etree import ElementTree

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader

__all__ = ["pdfa3a_problems", "xmp_properties"]

_NS: Final = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
}
# Info key → XMP property (ISO 19005-2/3 §6.6.2.3.1 / veraPDF 6.6.3 checks).
_INFO_TO_XMP: Final = {
    "/Title": "dc:title",
    "/Author": "dc:creator",
    "/Subject": "dc:description",
    "/Keywords": "pdf:Keywords",
    "/Creator": "xmp:CreatorTool",
    "/Producer": "pdf:Producer",
    "/CreationDate": "xmp:CreateDate",
    "/ModDate": "xmp:ModifyDate",
}
_ANNOT_PRINT: Final = 4
_ANNOT_FORBIDDEN: Final = 1 | 2 | 32 | 256  # Invisible, Hidden, NoView, ToggleNoView


def _get(container: Any, key: str, default: Any = None) -> Any:
    # pyHanko's DictionaryObject.get() can return unresolved IndirectObjects;
    # indexing resolves them.
    return container[key] if key in container else default  # noqa: SIM401


def _qualified(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{_NS[prefix]}}}{local}"


def xmp_properties(xmp: bytes) -> dict[str, str]:
    """Flatten simple XMP properties (attribute or element form) to strings.

    Containers (rdf:Alt/Seq/Bag) are reduced to their first rdf:li, which is
    what the Info dictionary equivalents hold.
    """
    # No DTDs in XMP (ISO 16684-1); refusing them rules out entity-expansion
    # attacks without an extra dependency (defusedxml is not installed).
    if b"<!DOCTYPE" in xmp or b"<!ENTITY" in xmp:
        raise ElementTree.ParseError("DTD/entity declarations are not allowed in XMP")
    root = ElementTree.fromstring(xmp)  # noqa: S314 - DTDs rejected above
    values: dict[str, str] = {}
    reverse = {f"{{{uri}}}": prefix for prefix, uri in _NS.items()}

    def short(tag: str) -> str | None:
        for uri, prefix in reverse.items():
            if tag.startswith(uri):
                return f"{prefix}:{tag[len(uri) :]}"
        return None

    for description in root.iter(_qualified("rdf:Description")):
        for attr, value in description.attrib.items():
            if (name := short(attr)) and not name.startswith("rdf:"):
                values[name] = value
        for child in description:
            if not (name := short(child.tag)):
                continue
            item = next(child.iter(_qualified("rdf:li")), None)
            values[name] = (item.text if item is not None else child.text) or ""
    return values


def _pdf_date(value: str) -> datetime | None:
    try:
        return generic.parse_pdf_date(value, strict=False)
    except Exception:
        return None


def _xmp_date(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _check_info_vs_xmp(info: Any, xmp: dict[str, str], problems: list[str]) -> None:
    for info_key, xmp_key in _INFO_TO_XMP.items():
        if info_key not in info:
            continue
        info_value = str(info[info_key])
        xmp_value = xmp.get(xmp_key)
        if xmp_value is None:
            problems.append(f"Info {info_key} has no XMP {xmp_key} equivalent")
            continue
        if info_key.endswith("Date"):
            left, right = _pdf_date(info_value), _xmp_date(xmp_value)
            if left is None or right is None or left != right:
                problems.append(f"Info {info_key}={info_value!r} != XMP {xmp_key}={xmp_value!r}")
        elif info_value != xmp_value:
            problems.append(f"Info {info_key}={info_value!r} != XMP {xmp_key}={xmp_value!r}")


def _check_associated_files(root: Any, problems: list[str]) -> None:
    af = _get(root, "/AF", generic.ArrayObject())
    af_refs = {getattr(af.raw_get(index), "reference", None) for index in range(len(af))}
    try:
        names = root["/Names"]["/EmbeddedFiles"]["/Names"]
    except KeyError:
        return
    for index in range(1, len(names), 2):
        raw = names.raw_get(index)
        spec = raw.get_object()
        label = str(names[index - 1])
        if getattr(raw, "reference", None) not in af_refs:
            problems.append(f"embedded file {label!r} is not listed in the catalog /AF")
        if "/AFRelationship" not in spec:
            problems.append(f"embedded file {label!r} has no /AFRelationship")
        if "/F" not in spec or "/UF" not in spec:
            problems.append(f"embedded file {label!r} lacks /F or /UF")
        stream = spec["/EF"]["/F"]
        if "/Subtype" not in stream:
            problems.append(f"embedded file {label!r} has no MIME type (/Subtype)")


def _pages(node: Any, depth: int = 0) -> list[Any]:
    if depth > 32:
        return []
    if _get(node, "/Type") == "/Page":
        return [node]
    return [page for kid in _get(node, "/Kids", ()) for page in _pages(kid.get_object(), depth + 1)]


def _check_pages(reader: PdfFileReader, problems: list[str]) -> None:
    for page_number, page in enumerate(_pages(reader.root["/Pages"])):
        for annot in _get(page, "/Annots", generic.ArrayObject()):
            annot = annot.get_object()
            subtype = _get(annot, "/Subtype")
            if subtype == "/Popup":
                continue
            flags = int(_get(annot, "/F", 0))
            if not flags & _ANNOT_PRINT or flags & _ANNOT_FORBIDDEN:
                problems.append(f"page {page_number + 1}: {subtype} annotation flags {flags}")
            rect = [float(x) for x in _get(annot, "/Rect", [0, 0, 0, 0])]
            has_area = rect[2] != rect[0] and rect[3] != rect[1]
            if has_area and subtype != "/Link" and "/AP" not in annot:
                problems.append(f"page {page_number + 1}: {subtype} annotation without /AP")
        fonts = _get(_get(page, "/Resources", generic.DictionaryObject()), "/Font", generic.DictionaryObject())
        for font_name, font in fonts.items():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0] if "/DescendantFonts" in font else font
            descriptor = _get(descendant, "/FontDescriptor")
            if descriptor is None or not any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                problems.append(f"page {page_number + 1}: font {font_name} is not embedded")


def _check_tagging(root: Any, problems: list[str]) -> None:
    # ISO 19005-3 §6.7 (level A): a marked, tagged document whose natural language is declared.
    mark_info = _get(root, "/MarkInfo", generic.DictionaryObject())
    if _get(mark_info, "/Marked") != True:  # noqa: E712 - a pyHanko BooleanObject, not a bool
        problems.append("catalog /MarkInfo /Marked is not true (untagged)")
    tree = _get(root, "/StructTreeRoot")
    if tree is None or not _get(tree, "/K"):
        problems.append("no structure tree (/StructTreeRoot with kids)")
    if not str(_get(root, "/Lang", "")):
        problems.append("catalog /Lang is missing or empty")


def pdfa3a_problems(pdf: bytes) -> list[str]:
    """Problems found in the PDF/A-3a-relevant structure of *pdf* (empty = ok)."""
    problems: list[str] = []
    if not pdf.startswith(b"%PDF-1.7\n") and not pdf.startswith(b"%PDF-1.7\r"):
        problems.append(f"header is {pdf[:8]!r}, expected %PDF-1.7")
    second_line = pdf.split(b"\n", 2)[1] if pdf.count(b"\n") >= 2 else b""
    if not (second_line.startswith(b"%") and sum(byte > 127 for byte in second_line[1:5]) == 4):
        problems.append("second line is not a %-comment with four bytes > 127")

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        root = reader.root
    except Exception as exc:
        return [*problems, f"unreadable PDF: {exc}"]

    if "/Encrypt" in reader.trailer:
        problems.append("document is encrypted")
    if "/ID" not in reader.trailer:
        problems.append("trailer has no /ID")
    if "/Version" in root and str(root["/Version"]) != "/1.7":
        problems.append(f"catalog /Version is {root['/Version']} (PDF/A-3 is PDF 1.7-based)")
    acroform = _get(root, "/AcroForm")
    if acroform is not None and _get(acroform, "/NeedAppearances"):
        problems.append("AcroForm /NeedAppearances is true")

    intents = _get(root, "/OutputIntents", generic.ArrayObject())
    if not any(_get(intent, "/S") == "/GTS_PDFA1" and "/DestOutputProfile" in intent for intent in intents):
        problems.append("no GTS_PDFA1 output intent with an ICC profile")

    xmp: dict[str, str] = {}
    try:
        xmp = xmp_properties(root["/Metadata"].data)
    except KeyError:
        problems.append("no XMP metadata stream")
    except ElementTree.ParseError as exc:
        problems.append(f"XMP metadata is not well-formed: {exc}")
    if xmp:
        if xmp.get("pdfaid:part") != "3" or xmp.get("pdfaid:conformance") != "A":
            problems.append(
                f"XMP identifies pdfaid:part={xmp.get('pdfaid:part')!r} "
                f"conformance={xmp.get('pdfaid:conformance')!r}, expected 3/A"
            )
        info = _get(reader.trailer, "/Info", {})
        _check_info_vs_xmp(info, xmp, problems)

    _check_associated_files(root, problems)
    _check_pages(reader, problems)
    _check_tagging(root, problems)
    return problems
