"""Annotating a Word export the way a reviewer does in Word: comments on passages, tracked changes."""

from __future__ import annotations

import copy
import io
import zipfile
from typing import Any

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.run import Run
from lxml import etree

DATE = "2030-03-02T10:00:00Z"


def _paragraph(document: Any, marker: str | None, text: str | None) -> Any:
    body = document.element.body  # type: ignore[attr-defined]
    for p in body.iter(qn("w:p")):
        if marker is not None and any(b.get(qn("w:name")) == marker for b in p.iter(qn("w:bookmarkStart"))):
            return p
        if marker is None and text is not None and text in "".join(t.text or "" for t in p.iter(qn("w:t"))):
            return p
    raise AssertionError(f"no paragraph {marker or text!r}")


def _split(p: Any, passage: str) -> tuple[Any, Any, Any]:
    """Split the run holding `passage` into (before, passage, after) runs; returns the three w:r elements."""
    for r in p.iter(qn("w:r")):  # type: ignore[attr-defined]
        t = r.find(qn("w:t"))
        if t is None or passage not in (t.text or ""):
            continue
        before, after = t.text.split(passage, 1)
        runs = []
        for piece in (before, passage, after):
            clone = copy.deepcopy(r)
            clone.find(qn("w:t")).text = piece
            runs.append(clone)
        r.addprevious(runs[0])
        r.addprevious(runs[1])
        r.addprevious(runs[2])
        r.getparent().remove(r)
        return runs[0], runs[1], runs[2]
    raise AssertionError(f"no run with {passage!r}")


def annotate(
    data: bytes,
    *,
    comments: list[tuple[str | None, str, str, str]] = (),  # type: ignore[assignment]
    changes: list[tuple[str | None, str, str, str]] = (),  # type: ignore[assignment]
    drop_markers: bool = False,
) -> bytes:
    """comments: (marker or None to find by passage, passage, comment text, author);
    changes: (marker or None, old passage, new text, author) — a tracked deletion and insertion."""
    document = Document(io.BytesIO(data))
    for marker, passage, text, author in comments:
        p = _paragraph(document, marker, passage)
        _, middle, _ = _split(p, passage)
        document.add_comment(Run(middle, None), text=text, author=author, initials=author[:2])  # type: ignore[arg-type]
    for index, (marker, old, new, author) in enumerate(changes, start=1000):
        p = _paragraph(document, marker, old)
        _, middle, _ = _split(p, old)
        deletion = OxmlElement("w:del")
        for key, value in (("w:id", str(index)), ("w:author", author), ("w:date", DATE)):
            deletion.set(qn(key), value)
        middle.addprevious(deletion)
        deletion.append(middle)
        t = middle.find(qn("w:t"))
        t.tag = qn("w:delText")
        if new:
            insertion = OxmlElement("w:ins")
            for key, value in (("w:id", str(index + 500)), ("w:author", author), ("w:date", DATE)):
                insertion.set(qn(key), value)
            run = copy.deepcopy(middle)
            run.find(qn("w:delText")).tag = qn("w:t")
            run.find(qn("w:t")).text = new
            insertion.append(run)
            deletion.addnext(insertion)
    if drop_markers:
        for bookmark in list(document.element.body.iter(qn("w:bookmarkStart"), qn("w:bookmarkEnd"))):
            bookmark.getparent().remove(bookmark)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def replace_part(data: bytes, name: str, transform: object) -> bytes:
    """The package with one part's bytes passed through `transform` (to forge or damage a file)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info)
            if info.filename == name:
                body = transform(body)  # type: ignore[operator]
            target.writestr(info, body)
    return out.getvalue()


__all__ = ["annotate", "etree", "replace_part"]
