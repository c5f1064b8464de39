"""DocumentData → HTML → sealed, tagged PDF/A-3a. No database access (benchmarks/pdf.py runs it bare).

`produce_pdf()` is the whole pipeline: template, WeasyPrint (rendering, once, with its public API),
the PDF/A structure self-check (pdfa_check), and the seal (sealing.seal_pdf).
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any, Final

from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from PIL import Image, ImageDraw, ImageFont

from declarations.snapshot import Snapshot

from .content import DocumentData, PartyEntry
from .labels import label, labelled, labels, language_name, long_date
from .pdfa_check import pdfa3a_problems
from .rendering import FONT_DIR, Attachment, keep_korean_words, render_pdf
from .sealing import PreloadedKeySigner, load_seal_signer, seal_pdf

TEMPLATE: Final = "documents/pdf/declaration.html"
# Printed 15 mm high: 180 px is 300 dpi. Stored images are up to 1200 by 400.
PRINT_IMAGE_BOX: Final = (540, 180)
MAX_TITLE_PARTIES: Final = 30


class ArchivalCheckError(RuntimeError):
    """The sealed file lost a PDF/A-3a property; it must not be issued."""


# Stored signatures are already clean PNGs of at most 1200 by 400 (signing.images);
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


def in_languages(pairs: Iterable[tuple[str, str]], document_language: str) -> SafeString:
    """Texts in several languages, joined by " · " without repeats, each one not in the document's
    language wrapped in a span that says its language (``lang``): a screen reader switches voice.

    Escaped and with Korean words kept whole (keep_korean_words): print the result as it is.
    """
    unique: dict[str, str] = {}
    for code, text in pairs:
        if text:
            unique.setdefault(text, code)
    return format_html_join(
        " · ",
        "{}",
        (
            (keep_korean_words(text) if code == document_language else _span(code, text),)
            for text, code in unique.items()
        ),
    )


def _span(language: str, text: str) -> SafeString:
    return format_html('<span lang="{}">{}</span>', language, keep_korean_words(text))


def _party_name(party: PartyEntry, languages: list[str]) -> SafeString:
    names = [(code, party.name.get(code, "")) for code in languages]
    if not any(name for _, name in names):
        # The short name is in no particular language: it reads in the document's.
        return keep_korean_words(party.short_name)
    return in_languages(names, languages[0])


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


def _stale(data: DocumentData) -> list[str]:
    """The certificate's paragraph on translations flagged out of date, once per language of the document."""
    entry = data.stale_translations
    if entry is None:
        return []
    lines = []
    for code in data.languages:
        by_language: dict[str, list[str]] = {}
        for _key, number, language in entry.texts:
            by_language.setdefault(language, []).append(f"¶{number}")
        texts = "; ".join(f"{language_name(lang, code)}: {', '.join(items)}" for lang, items in by_language.items())
        lines.append(
            label("cert_stale_value", code, texts=texts, by=entry.confirmed_by, at=_utc_time(entry.confirmed_at))
        )
    return list(dict.fromkeys(lines))


def document_context(data: DocumentData, images: Mapping[str, str]) -> dict[str, Any]:
    """Template context: every string already in the document's languages."""
    langs = data.languages
    first = langs[0]

    def lab(key: str, **values: object) -> SafeString:
        return in_languages(labelled(key, langs, **values), first)

    def image_alt(party: PartyEntry) -> str:
        # The image's text alternative (/Alt of its Figure in the tagged PDF).
        return _joined(
            list(
                dict.fromkeys(
                    label("signature_image", code, party=party.name.get(code) or party.short_name) for code in langs
                )
            )
        )

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
            "image_alt": image_alt(s.party),
            "signed_at": _utc_time(s.signed_at),
            "image": images.get(s.image_name, "") if s.image_name else "",
        }
        for s in data.signatures
    ]
    adherences = [
        {
            "party": _party_name(a.party, langs),
            "printed_name": a.printed_name,
            "printed_title": a.printed_title,
            "capacity": a.capacity,
            "method": a.method,
            "method_label": lab(f"method_{a.method}"),
            "no_image": lab(f"no_image_{a.method}") if a.method in ("paper", "in_person") else "",
            "adhered_on": lab("adhered_on", date=_utc_day(a.adhered_at)),
            "image_alt": image_alt(a.party),
            "image": images.get(a.image_name, "") if a.image_name else "",
        }
        for a in data.adherences
    ]
    events = [
        {
            "at": _utc_time(e.at),
            "kind": lab(f"event_{e.kind}") if f"event_{e.kind}" in _EVENT_KEYS else keep_korean_words(e.kind),
            "party": _party_name(e.party, langs) if e.party else "",
            "actor": e.actor_name,
            "method": lab(f"method_{e.method}") if e.method in _METHODS else "",
            "version": e.version_number,
        }
        for e in data.events
    ]
    rounds = [
        lab("cert_round", n=r.number, v=r.version_number, start=_utc_day(r.opened_at), end=_utc_day(r.closed_at))
        for r in data.rounds
    ]
    return {
        "data": data,
        "lang": first,
        "korean_only": langs == ["ko"],
        "layout": data.layout,
        "kind_label": lab(kind_key),
        "titles": _cells(data.title, langs),
        # The secretariat's label ("Draft 28/08/2024") is in no marked language.
        "version_label": format_html(
            "{} · {}", lab("version", n=data.version_number), keep_korean_words(data.version_label)
        ),
        "watermark": (
            watermark_image(label("draft_watermark", first, n=data.version_number)) if data.watermarked else ""
        ),
        "date": in_languages(((code, long_date(data.issued_on, code)) for code in langs), first),
        # A long list of parties would fill pages before the text; they are on the signature pages.
        "parties": [_party_name(p, langs) for p in data.parties] if len(data.parties) <= MAX_TITLE_PARTIES else [],
        "party_count": lab("party_count", n=len(data.parties)) if len(data.parties) > MAX_TITLE_PARTIES else "",
        "parties_label": lab("parties" if data.kind == "submission" else "participants"),
        "language_names": [Cell(code, language_name(code, code)) for code in langs],
        "languages_label": _joined([language_name(code, first) for code in langs]),
        "sections": _sections(data),
        "undertaking": [] if _undertaking_in_text(data) else _cells(data.undertaking, langs),
        "signatures": signatures,
        "adherences": adherences,
        "edition": (
            lab("edition_value", n=data.edition, date=_utc_day(data.edition_at or data.issued_on))
            if data.edition > 1
            else ""
        ),
        "adherence_count": lab("cert_adherences_value", n=len(data.adherences)) if data.edition > 1 else "",
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
        "qr_alt": _joined(labels("qr_code", langs, url=data.verify_url)),
        "stale": _stale(data),
        "stale_reason": data.stale_translations.reason if data.stale_translations else "",
        "verify_notes": [Cell(code, text) for code, text in labelled("verify_note", langs, url=data.verify_url)],
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
                "adherents",
                "edition",
                "cert_adherences",
                "cert_stale",
                "cert_stale_reason",
                "times_utc",
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
        "adherence_invited",
        "adhered",
        "adherence_recorded",
        "edition",
    )
}
_METHODS: Final = {"drawn", "uploaded", "typed", "paper", "in_person"}


def document_html(data: DocumentData, images: Mapping[str, str]) -> str:
    return render_to_string(TEMPLATE, document_context(data, images))


def render_document(data: DocumentData, images: Mapping[str, str], *, when: datetime) -> bytes:
    """The unsealed PDF/A-3a, laid out and written in one pass."""
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
    before_sealing: Callable[[], object] | None = None,
) -> bytes:
    """Render, check PDF/A-3a structure and seal. Raises ArchivalCheckError on a broken file.

    *before_sealing* is called between the two steps (the export job's page shows them).
    """
    when = when or datetime.now(UTC)
    pdf = render_document(data, images, when=when)
    if before_sealing is not None:
        before_sealing()
    reason = "Signed declaration issued by Accord" if data.kind == "submission" else "Version issued by Accord"
    sealed = seal_pdf(pdf, signer=signer or load_seal_signer(), reason=reason, location=None)
    problems = pdfa3a_problems(sealed)
    if problems:
        raise ArchivalCheckError("; ".join(problems))
    return sealed
