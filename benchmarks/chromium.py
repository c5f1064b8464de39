"""Chromium printing Accord's HTML, as the reference the PDF figures are compared with.

Used by benchmarks/pdf.py and benchmarks/runner.py, after Django is set up. Chromium gets the
same HTML as WeasyPrint, with the stylesheet and the @font-face rules inlined.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Mapping
from pathlib import Path

from documents.compose import document_html
from documents.content import DocumentData
from documents.rendering import PDF_CSS_PATH, font_face_css


def chromium_html(data: DocumentData, images: Mapping[str, str]) -> str:
    style = f"<style>{font_face_css()}\n{PDF_CSS_PATH.read_text(encoding='utf-8')}</style>"
    return document_html(data, images).replace("<head>", f"<head>{style}", 1)


def descendants_cpu() -> float:
    """CPU seconds of the live processes started by this one (a running browser and its driver), from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    cpu: dict[int, float] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:  # ended meanwhile
            continue
        fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) "
        pid = int(entry.name)
        parents[pid] = int(fields[1])
        cpu[pid] = (int(fields[11]) + int(fields[12])) / ticks  # utime + stime
    me = os.getpid()
    total = 0.0
    for pid, seconds in cpu.items():
        ancestor = parents.get(pid, 0)
        while ancestor not in (0, 1, me):
            ancestor = parents.get(ancestor, 0)
        if ancestor == me:
            total += seconds
    return total


def chromium_print(html: str, workdir: Path) -> float | None:
    """Wall seconds of a fresh `chromium --print-to-pdf` (start-up included), None without Chromium."""
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        return None
    source, target = workdir / "doc.html", workdir / "chromium.pdf"
    source.write_text(html, encoding="utf-8")
    start = time.perf_counter()
    subprocess.run(
        [
            exe,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            f"--print-to-pdf={target}",
            source.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return time.perf_counter() - start


class PlaywrightPrinter:
    """`page.pdf()` in one browser launched up front: Chromium's print without its start-up."""

    def __init__(self) -> None:
        from playwright.sync_api import sync_playwright

        self._manager = sync_playwright()
        playwright = self._manager.start()
        exe = shutil.which("chromium") or shutil.which("chromium-browser")
        self._browser = playwright.chromium.launch(executable_path=exe, args=["--no-sandbox"])

    def print(self, html: str, workdir: Path) -> tuple[float, float]:
        """Wall and CPU seconds (every browser process, the page's new renderer included) of one print."""
        source = workdir / "doc.html"
        source.write_text(html, encoding="utf-8")
        start, cpu = time.perf_counter(), descendants_cpu()
        page = self._browser.new_page()
        try:
            page.goto(source.as_uri())
            page.pdf(path=str(workdir / "playwright.pdf"), prefer_css_page_size=True)
            return time.perf_counter() - start, descendants_cpu() - cpu
        finally:
            page.close()

    def close(self) -> None:
        self._browser.close()
        self._manager.__exit__(None, None, None)
