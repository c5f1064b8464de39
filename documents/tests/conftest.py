"""Fixtures for the PDF feature: a throw-away seal certificate pointed at by settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from documents.sealing import generate_dev_certificate


@pytest.fixture(scope="session")
def seal_paths(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return generate_dev_certificate(tmp_path_factory.mktemp("documents-seal"))


@pytest.fixture(autouse=True)
def _seal_settings(settings: Any, seal_paths: tuple[Path, Path]) -> None:
    """Every document test seals with the temporary certificate, never with var/seal."""
    settings.ACCORD_SEAL_KEY_FILE, settings.ACCORD_SEAL_CERT_FILE = (str(p) for p in seal_paths)
    settings.ACCORD_SEAL_PKCS12_FILE = None
    settings.SITE_URL = "https://accord.example"
