"""Build the web fonts for the interface: Nanum Gothic subset to Hangul, as WOFF2, in two slices.

Run after changing the source fonts (the output is vendored under static/fonts/web/):

    .venv/bin/python -m config.webfonts

The interface text is in the system's own face; only Hangul comes from Nanum Gothic
(static/css/fonts.css). Each weight is cut in two: "common" holds the 2,350 syllables of
KS X 1001 (the Korean national character set, which covers everyday text) and the compatibility
jamo; "rest" holds the other 8,822 syllables and the conjoining jamo. Both @font-face rules
name the whole Hangul range; the browser tries the rule declared last ("common") first and
downloads "rest" only when a page holds a syllable that "common" lacks (CSS Fonts 4, §4.5).
Hinting is dropped: it is most of a TrueType CJK font's size, and screens of today do not need it.
The PDFs embed the full TrueType files from documents/fonts/ (documents/rendering.py).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SOURCE_DIR = BASE_DIR / "documents" / "fonts" / "nanum"
OUT_DIR = BASE_DIR / "static" / "fonts" / "web"

HANGUL_SYLLABLES = range(0xAC00, 0xD7A4)
COMPATIBILITY_JAMO = "U+3130-318F"
CONJOINING_JAMO = "U+1100-11FF"
SOURCES = {400: "NanumGothic.ttf", 700: "NanumGothicBold.ttf"}


def ks_x_1001_syllables() -> list[int]:
    """The 2,350 Hangul syllables of KS X 1001, read from the EUC-KR rows 0xB0-0xC8."""
    syllables = []
    for row in range(0xB0, 0xC9):
        for cell in range(0xA1, 0xFF):
            char = bytes([row, cell]).decode("euc-kr", errors="ignore")
            if char and ord(char) in HANGUL_SYLLABLES:
                syllables.append(ord(char))
    return sorted(syllables)


def unicode_list(code_points: list[int]) -> str:
    return ",".join(f"U+{cp:04X}" for cp in code_points)


def subset(source: Path, unicodes: str, out: Path) -> None:
    pyftsubset = Path(sys.executable).with_name("pyftsubset")
    subprocess.run(  # noqa: S603 - fixed arguments, our own files
        [
            str(pyftsubset),
            str(source),
            f"--unicodes={unicodes}",
            "--flavor=woff2",
            "--no-hinting",
            "--desubroutinize",
            f"--output-file={out}",
        ],
        check=True,
        stderr=subprocess.DEVNULL,
    )


def main() -> None:
    common = ks_x_1001_syllables()
    rest = sorted(set(HANGUL_SYLLABLES) - set(common))
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for weight, filename in SOURCES.items():
        source = SOURCE_DIR / filename
        subset(source, f"{unicode_list(common)},{COMPATIBILITY_JAMO}", OUT_DIR / f"hangul-{weight}-common.woff2")
        subset(source, f"{unicode_list(rest)},{CONJOINING_JAMO}", OUT_DIR / f"hangul-{weight}-rest.woff2")
    for path in sorted(OUT_DIR.glob("*.woff2")):
        print(f"{path.relative_to(BASE_DIR)}: {path.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
