"""Every script of the six UN languages is printed, each in one face (documents/pdf.css)."""

from __future__ import annotations

import logging
import re
import subprocess
from pathlib import Path
from typing import Any

from documents.rendering import render_pdf

TEXTS = {
    "ar": "الذكاء الاصطناعي الجدير بالثقة",
    "zh": "值得信赖的人工智能宣言",
    "ru": "Манифест доверенного искусственного интеллекта",
    "fr": "Égalité, sûreté et fiabilité",
    "es": "Inteligencia artificial confiable: España, señor",
    "en": "A manifesto for advancing trustworthy AI",
    "ko": "신뢰할 수 있는 인공지능 선언문",
}


def _fonts(pdf: bytes, tmp_path: Path) -> set[str]:
    path = tmp_path / "scripts.pdf"
    path.write_bytes(pdf)
    listing = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout  # noqa: S603, S607
    return set(re.findall(r"^[A-Z]{6}\+(\S+)", listing, flags=re.M))


def _render(html_lang: str, caplog: Any) -> bytes:
    cells = "".join(f'<p lang="{code}"{" dir=rtl" if code == "ar" else ""}>{text}</p>' for code, text in TEXTS.items())
    html = f'<html lang="{html_lang}"><body>{cells}<p>{TEXTS[html_lang]}</p></body></html>'
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        return render_pdf(html, base_url=None, attachments=[], title="Scripts", lang=html_lang)


def test_no_character_is_missing(caplog: Any, tmp_path: Path) -> None:
    for html_lang in ("en", "fr", "ko"):
        caplog.clear()
        _render(html_lang, caplog)
        missing = [r.getMessage() for r in caplog.records if ".notdef" in r.getMessage()]
        assert not missing, f"{html_lang}: {missing} (system fonts missing? run `make system-deps`)"


def test_each_script_in_its_face(caplog: Any, tmp_path: Path) -> None:
    fonts = _fonts(_render("en", caplog), tmp_path)
    # Chinese in a Chinese face, Arabic in Naskh, accented Latin and Cyrillic in Noto Serif; Korean
    # and English in the vendored Nanum Myeongjo, as before.
    assert {"Noto-Serif-CJK-SC", "Noto-Naskh-Arabic", "Noto-Serif", "NanumMyeongjo"} <= fonts
    assert not {f for f in fonts if f.startswith("DejaVu") or "CJK-JP" in f}


def test_korean_and_english_keep_the_vendored_face(caplog: Any, tmp_path: Path) -> None:
    caplog.clear()
    html = f'<html lang="en"><body><p lang="en">{TEXTS["en"]}</p><p lang="ko">{TEXTS["ko"]}</p></body></html>'
    fonts = _fonts(render_pdf(html, base_url=None, attachments=[], title="t", lang="en"), tmp_path)
    assert fonts == {"NanumMyeongjo", "NanumGothic"}  # Gothic: the footer
