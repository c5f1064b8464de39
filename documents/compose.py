"""DocumentData → HTML → sealed PDF/A-3b. No database access (benchmarks/pdf.py runs it bare).

`produce_pdf()` is the whole pipeline: template, WeasyPrint (rendering, once, with its public API),
the PDF/A structure self-check (pdfa_check), and the seal (sealing.seal_pdf).
"""

from __future__ import annotations

import base64
import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any, Final

from django.template.loader import render_to_string
from PIL import Image, ImageDraw, ImageFont

from declarations.snapshot import Snapshot

from .content import DocumentData, PartyEntry
from .labels import label, labels, language_name, long_date
from .pdfa_check import pdfa3b_problems
from .rendering import FONT_DIR, Attachment, render_pdf
from .sealing import PreloadedKeySigner, load_seal_signer, seal_pdf

TEMPLATE: Final = "documents/pdf/declaration.html"
# Printed 15 mm high: 180 px is 300 dpi. Stored images are up to 1200 by 400.
PRINT_IMAGE_BOX: Final = (540, 180)
MAX_TITLE_PARTIES: Final = 30


class ArchivalCheckError(RuntimeError):
    """The sealed file lost a PDF/A-3b property; it must not be issued."""


# Stored signatures are already clean PNGs of at most 1200 by 400 (signatories.signing.images);
# a drawn line is a few KB and goes into the PDF as it is. Only heavy ones (photos of a
# signature) are scaled down, so 14 signatures stay far below the 1 MB budget.
PASS_THROUGH_BYTES: Final = 60_000


def print_image(png: bytes) -> str:
    """A stored signature PNG for print, as a data: URL (nothing is fetched while rendering)."""
    if len(png) > PASS_THROUGH_BYTES:
        with Image.open(io.BytesIO(png)) as image:
            image.load()
            picture = image.convert("RGBA")
        picture.thumbnail(PRINT_IMAGE_BOX)
        out = io.BytesIO()
        picture.save(out, format="PNG", compress_level=6)
        png = out.getvalue()
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


@cache
def watermark_image(text: str) -> str:
    """The draft watermark as a light grey PNG (data: URL).

    An image, not text: rotated watermark glyphs would be interleaved with the clause text by
    pdftotext, search and copy-paste. Drawn with the vendored Nanum Gothic Bold.
    """
    font = ImageFont.truetype(str(FONT_DIR / "NanumGothicBold.ttf"), 160)
    left, top, right, bottom = (int(v) for v in font.getbbox(text))
    image = Image.new("RGBA", (right - left + 40, bottom - top + 40), (255, 255, 255, 0))
    ImageDraw.Draw(image).text((20 - left, 20 - top), text, font=font, fill=(228, 228, 228, 255))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def _joined(values: list[str]) -> str:
    return " · ".join(values)


def _party_name(party: PartyEntry, languages: list[str]) -> str:
    names = [party.name.get(code) for code in languages]
    return _joined(list(dict.fromkeys(n for n in names if n))) or party.short_name


def _utc_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _utc_day(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d")


@dataclass
class Cell:
    language: str
    text: str


def _cells(values: Mapping[str, str], languages: list[str]) -> list[Cell]:
    return [Cell(code, values.get(code, "")) for code in languages]


def _sections(data: DocumentData) -> list[dict[str, Any]]:
    return [
        {
            "key": section.key,
            "headings": _cells(section.heading, data.languages),
            "clauses": [
                {"number": c.number, "key": c.key, "cells": _cells(c.text, data.languages)} for c in section.clauses
            ],
        }
        for section in Snapshot.from_json(data.snapshot).sections
    ]


def _undertaking_in_text(data: DocumentData) -> bool:
    printed = {v.strip() for v in data.undertaking.values()}
    clauses = Snapshot.from_json(data.snapshot).clauses()
    return bool(printed) and any(printed <= {t.strip() for t in c.text.values()} for c in clauses)


def document_context(data: DocumentData, images: Mapping[str, str]) -> dict[str, Any]:
    """Template context: every string already in the document's languages."""
    langs = data.languages
    first = langs[0]

    def lab(key: str, **values: object) -> str:
        return _joined(labels(key, langs, **values))

    kind_key = "kind_submission" if data.kind == "submission" else ("kind_final" if data.is_final else "kind_draft")
    signatures = [
        {
            "party": _party_name(s.party, langs),
            "printed_name": s.printed_name,
            "printed_title": s.printed_title,
            "capacity": s.capacity,
            "method": s.method,
            "method_label": lab(f"method_{s.method}"),
            "no_image": lab(f"no_image_{s.method}") if s.method in ("paper", "in_person") else "",
            "signed_at": _utc_time(s.signed_at),
            "image": images.get(s.image_name, "") if s.image_name else "",
        }
        for s in data.signatures
    ]
    events = [
        {
            "at": _utc_time(e.at),
            "kind": lab(f"event_{e.kind}") if f"event_{e.kind}" in _EVENT_KEYS else e.kind,
            "party": _party_name(e.party, langs) if e.party else "",
            "actor": e.actor_name,
            "method": lab(f"method_{e.method}") if e.method in _METHODS else "",
            "version": e.version_number,
        }
        for e in data.events
    ]
    rounds = [
        _joined(
            list(
                dict.fromkeys(
                    label(
                        "cert_round",
                        code,
                        n=r.number,
                        v=r.version_number,
                        start=_utc_day(r.opened_at),
                        end=_utc_day(r.closed_at),
                    )
                    for code in langs
                )
            )
        )
        for r in data.rounds
    ]
    return {
        "data": data,
        "lang": first,
        "korean_only": langs == ["ko"],
        "layout": data.layout,
        "kind_label": lab(kind_key),
        "titles": _cells(data.title, langs),
        "version_label": _joined(
            list(dict.fromkeys(f"{label('version', code, n=data.version_number)}" for code in langs))
        )
        + f" · {data.version_label}",
        "watermark": (
            watermark_image(label("draft_watermark", first, n=data.version_number)) if data.watermarked else ""
        ),
        "dates": list(dict.fromkeys(long_date(data.issued_on, code) for code in langs)),
        # A long list of parties would fill pages before the text; they are on the signature pages.
        "parties": [_party_name(p, langs) for p in data.parties] if len(data.parties) <= MAX_TITLE_PARTIES else [],
        "party_count": lab("party_count", n=len(data.parties)) if len(data.parties) > MAX_TITLE_PARTIES else "",
        "parties_label": lab("parties" if data.kind == "submission" else "participants"),
        "language_names": [language_name(code, code) for code in langs],
        "languages_label": _joined([language_name(code, first) for code in langs]),
        "sections": _sections(data),
        "undertaking": [] if _undertaking_in_text(data) else _cells(data.undertaking, langs),
        "signatures": signatures,
        "declines": [
            {"party": _party_name(d.party, langs), "at": _utc_time(d.declined_at), "reason": d.reason}
            for d in data.declines
        ],
        "not_signed": [_party_name(p, langs) for p in data.not_signed],
        "absent": [_party_name(p, langs) for p in data.absent],
        "events": events,
        "rounds": rounds,
        "counts": lab(
            "cert_signatures_value_absent" if data.absent else "cert_signatures_value",
            signed=len(data.signatures),
            declined=len(data.declines),
            absent=len(data.absent),
            pending=len(data.not_signed),
            total=len(data.signatures) + len(data.declines) + len(data.absent) + len(data.not_signed),
        ),
        "content_hash": data.content_hash,
        "audit_head": data.events[-1].entry_hash if data.events else "",
        "published": _utc_time(data.published_at),
        "opened": _utc_time(data.signing_opened_at) if data.signing_opened_at else "",
        "closed": _utc_time(data.signing_closed_at) if data.signing_closed_at else "",
        "verify_notes": labels("verify_note", langs, url=data.verify_url),
        "reference": f"{data.slug} · v{data.version_number}",
        "L": {
            key: lab(key)
            for key in (
                "date",
                "content_hash",
                "signatures",
                "declined",
                "declined_no_reason",
                "not_signed",
                "absent",
                "certificate",
                "cert_declaration",
                "cert_version",
                "cert_published",
                "cert_languages",
                "cert_signatures",
                "cert_opened",
                "cert_closed",
                "cert_rounds",
                "cert_no_rounds",
                "cert_audit_head",
                "cert_events",
                "verify",
                "about",
                "about_draft",
                "signed_at",
            )
        },
    }


_EVENT_KEYS: Final = {
    f"event_{k}"
    for k in (
        "opened",
        "designated",
        "signed",
        "declined",
        "revoked",
        "superseded",
        "recorded_offline",
        "reopened",
        "closed",
        "refusal_recorded",
    )
}
_METHODS: Final = {"drawn", "uploaded", "typed", "paper", "in_person"}


def document_html(data: DocumentData, images: Mapping[str, str]) -> str:
    return render_to_string(TEMPLATE, document_context(data, images))


def render_document(data: DocumentData, images: Mapping[str, str], *, when: datetime) -> bytes:
    """The unsealed PDF/A-3b, laid out and written in one pass."""
    title = _joined([t.text for t in _cells(data.title, data.languages) if t.text])
    return render_pdf(
        document_html(data, images),
        base_url=None,
        attachments=document_attachments(data, when),
        title=title,
        lang=data.languages[0],
        created=when,
    )


def document_attachments(data: DocumentData, when: datetime) -> list[Attachment]:
    return [
        Attachment(
            filename="declaration.json",
            content=data.declaration_json(),
            mime_type="application/json",
            description="The declaration text in Accord's interchange format (docs/interchange.md)",
            relationship="Source",
            modified=when,
        ),
        Attachment(
            filename="signature-events.json",
            content=data.signature_events_json(),
            mime_type="application/json",
            description="Signatures printed in this document and the signing audit trail",
            relationship="Data",
            modified=when,
        ),
    ]


def produce_pdf(
    data: DocumentData,
    *,
    images: Mapping[str, str],
    signer: PreloadedKeySigner | None = None,
    when: datetime | None = None,
) -> bytes:
    """Render, check PDF/A-3b structure and seal. Raises ArchivalCheckError on a broken file."""
    when = when or datetime.now(UTC)
    pdf = render_document(data, images, when=when)
    reason = "Signed declaration issued by Accord" if data.kind == "submission" else "Version issued by Accord"
    sealed = seal_pdf(pdf, signer=signer or load_seal_signer(), reason=reason, location=None)
    problems = pdfa3b_problems(sealed)
    if problems:
        raise ArchivalCheckError("; ".join(problems))
    return sealed
