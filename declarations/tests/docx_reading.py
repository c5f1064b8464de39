"""Reading what the Word export wrote: clause paragraphs by bookmark, as runs kept, inserted or deleted."""

from __future__ import annotations

import io
import zipfile

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def q(tag: str) -> str:
    return f"{{{W}}}{tag}"


def document_xml(data: bytes) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return etree.fromstring(package.read("word/document.xml"))


def clause_runs(data: bytes) -> dict[str, list[tuple[str, str]]]:
    """Bookmark name → [(kind, text)] of the clause paragraph after its bookmark, adjacent kinds merged."""
    root = document_xml(data)
    result: dict[str, list[tuple[str, str]]] = {}
    for start in root.iter(q("bookmarkStart")):
        name = start.get(q("name"))
        ops: list[tuple[str, str]] = []
        node = start.getnext()
        while node is not None and node.tag != q("bookmarkEnd"):
            kind = {q("ins"): "insert", q("del"): "delete"}.get(node.tag, "equal")
            for text in node.iter(q("t"), q("delText"), q("br")):
                piece = "\n" if text.tag == q("br") else text.text or ""
                if ops and ops[-1][0] == kind:
                    ops[-1] = (kind, ops[-1][1] + piece)
                else:
                    ops.append((kind, piece))
            node = node.getnext()
        result[name] = ops
    return result
