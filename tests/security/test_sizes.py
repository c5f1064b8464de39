"""Issue 18, defect 9: import files, archives and uploads are refused by their size before they are read."""

from __future__ import annotations

import tracemalloc
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client, override_settings

from declarations.models import Declaration

pytestmark = pytest.mark.django_db
MB = 1024 * 1024


def _sparse(path: Path, size: int) -> Path:
    """A file of `size` bytes that takes no disk space and is never in memory."""
    with path.open("wb") as file:
        file.truncate(size)
    return path


def _peak_while(action: Any) -> int:
    tracemalloc.start()
    try:
        action()
    finally:
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return peak


def test_a_200_mb_import_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    """The audit's 200 MB file: refused by its size with a clear message; the command allocates < 5 MB."""
    path = _sparse(tmp_path / "huge.json", 200 * MB)
    declarations = Declaration.objects.count()
    errors: list[str] = []

    def run() -> None:
        with pytest.raises(CommandError) as error:
            call_command("import_declaration", str(path))
        errors.append(str(error.value))

    peak = _peak_while(run)
    assert "209,715,200 bytes" in errors[0] and "IMPORT_MAX_MB=50" in errors[0]
    assert peak < 5 * MB, f"peak {peak:,} bytes"
    assert Declaration.objects.count() == declarations


def test_an_import_from_a_pipe_reads_at_most_the_limit(tmp_path: Path) -> None:
    """A source without a size (a named pipe has st_size 0) is read up to the limit and then refused."""
    import os
    import threading

    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)

    def writer() -> None:
        with fifo.open("wb") as out:
            try:
                for _ in range(8):
                    out.write(b" " * MB)
            except BrokenPipeError:
                pass

    thread = threading.Thread(target=writer)
    thread.start()
    with override_settings(IMPORT_MAX_BYTES=2 * MB), pytest.raises(CommandError, match="larger than the limit"):
        call_command("import_declaration", str(fifo))
    thread.join(timeout=10)


def test_an_oversized_archive_is_refused_before_it_is_opened(tmp_path: Path) -> None:
    """import_archive refuses a file over ARCHIVE_MAX_BYTES by its size alone."""
    path = _sparse(tmp_path / "big.zip", 300 * MB)

    def run() -> None:
        with pytest.raises(CommandError, match=r"314,572,800 bytes.*ARCHIVE_MAX_MB=100"):
            call_command("import_archive", str(path))

    with override_settings(ARCHIVE_MAX_BYTES=100 * MB):
        peak = _peak_while(run)
    assert peak < 5 * MB


def test_an_archive_member_that_unpacks_too_large_is_refused_unread(tmp_path: Path) -> None:
    """A small archive whose member declares more than the limit (a zip bomb) is refused before any member is read."""
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", "{}")
        with zf.open("records/declarations.clausetext.jsonl", "w") as member:
            for _ in range(16):
                member.write(b"\0" * MB)
    assert path.stat().st_size < MB
    with override_settings(ARCHIVE_MAX_BYTES=8 * MB), pytest.raises(CommandError, match="unpacks to 16,777,216 bytes"):
        call_command("import_archive", str(path))


def test_an_upload_over_the_limit_is_refused_by_its_content_length(demo: Any) -> None:
    """Every upload (here /verify/ and a paper scan) answers 413 from the Content-Length alone."""
    for url in ("/verify/", f"/d/{demo.slug}/signing/party/gyeonggi/record/"):
        response = Client().post(
            url, data=b"--x--", content_type="multipart/form-data; boundary=x", CONTENT_LENGTH=str(26 * MB)
        )
        assert response.status_code == 413, url
        assert "larger than 25 MB" in response.content.decode()
    small = Client().post("/verify/", {"sha256": "0" * 64})
    assert small.status_code == 200
