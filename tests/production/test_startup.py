"""A production process starts fully configured or says exactly what is wrong and exits non-zero."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .stack import ROOT, gunicorn, manage, production_env


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A production environment on a migrated SQLite file with a development seal."""
    var = tmp_path_factory.mktemp("var")
    env = production_env(var)
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "generate_dev_certificate")
    return env


def _settings(env: dict[str, str], expression: str) -> subprocess.CompletedProcess[str]:
    code = f"import django; django.setup(); from django.conf import settings as s; print({expression})"
    return subprocess.run(  # noqa: S603 - our interpreter and code
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )


def test_missing_site_url_stops_production(tmp_path: Path) -> None:
    """Without SITE_URL a production process refuses to start: PDFs would seal a wrong address."""
    env = production_env(tmp_path)
    env.pop("SITE_URL")
    result = manage(env, "check", check=False)
    assert result.returncode != 0
    assert "SITE_URL must be set when DEBUG is off" in result.stderr


def test_malformed_site_url_is_named(tmp_path: Path) -> None:
    """A SITE_URL that is not an address (a path, no scheme) is refused with its value."""
    for value in ("accord.example.org", "https://accord.example.org/app", "ftp://accord.example.org"):
        result = manage(production_env(tmp_path, SITE_URL=value), "check", check=False)
        assert result.returncode != 0, value
        assert "SITE_URL must be the site's address" in result.stderr and value in result.stderr


def test_site_url_drives_allowed_hosts_and_csrf_origins(tmp_path: Path) -> None:
    """The host of SITE_URL is allowed and its origin trusted unless ALLOWED_HOSTS says otherwise."""
    env = production_env(tmp_path, SITE_URL="https://accord.example.org:8443")
    env.pop("ALLOWED_HOSTS")
    result = _settings(env, "s.ALLOWED_HOSTS, s.CSRF_TRUSTED_ORIGINS")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['accord.example.org'] ['https://accord.example.org:8443']"


def test_unknown_database_scheme_is_refused(tmp_path: Path) -> None:
    """A DATABASE_URL for another database engine stops the process and names the variable."""
    result = manage(production_env(tmp_path, DATABASE_URL="mysql://u:p@db/accord"), "check", check=False)
    assert result.returncode != 0
    assert "DATABASE_URL must be postgres://" in result.stderr


def test_unreachable_database_is_named(migrated: dict[str, str]) -> None:
    """A database that does not answer: the preflight names DATABASE_URL and the address, exit 3."""
    env = {**migrated, "DATABASE_URL": "postgres://accord:Pw-x9q7@127.0.0.1:1/accord"}
    result = manage(env, "preflight", "web", check=False)
    assert result.returncode == 3
    assert "DATABASE_URL: cannot connect to the database 127.0.0.1:1/accord" in result.stderr
    assert "Pw-x9q7" not in result.stderr


def test_unmigrated_database_is_refused(migrated: dict[str, str], tmp_path: Path) -> None:
    """An empty database: the preflight asks for `manage.py migrate` instead of serving errors."""
    env = {**migrated, "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}"}
    result = manage(env, "preflight", "worker", check=False)
    assert result.returncode == 3
    assert "run `manage.py migrate` first" in result.stderr


def test_unreadable_seal_key_is_named(migrated: dict[str, str], tmp_path: Path) -> None:
    """A seal key that is not a key, or missing: the preflight says which file, exit 3."""
    garbage = tmp_path / "seal-key.pem"
    garbage.write_text("-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n")
    result = manage({**migrated, "ACCORD_SEAL_KEY_FILE": str(garbage)}, "preflight", check=False)
    assert result.returncode == 3
    assert "PDF seal:" in result.stderr and str(garbage) in result.stderr

    missing = tmp_path / "nowhere.pem"
    result = manage({**migrated, "ACCORD_SEAL_KEY_FILE": str(missing)}, "preflight", check=False)
    assert result.returncode == 3
    assert f"ACCORD_SEAL_KEY_FILE points to a missing file: {missing}" in result.stderr


def test_development_seal_warns_loudly(migrated: dict[str, str]) -> None:
    """A development seal lets the process start, with a warning in the log."""
    result = manage(migrated, "preflight", "worker", check=False)
    assert result.returncode == 0, result.stderr
    assert "DEVELOPMENT SEAL, NOT FOR PRODUCTION" in result.stderr
    assert "Accord (worker) is ready." in result.stdout


def test_gunicorn_does_not_start_half_configured(migrated: dict[str, str], tmp_path: Path) -> None:
    """gunicorn with a missing seal exits non-zero instead of serving pages that fail."""
    env = {**migrated, "ACCORD_SEAL_CERT_FILE": str(tmp_path / "missing-cert.pem")}
    log = tmp_path / "gunicorn.log"
    with pytest.raises(RuntimeError, match="exited"), gunicorn(env, log, workers=1):
        pass
    output = log.read_text()
    assert "Accord (web) cannot start" in output and "missing-cert.pem" in output
