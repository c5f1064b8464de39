"""Checks a production process runs before it serves: it starts fully configured or not at all.

``config/wsgi.py`` runs them when gunicorn loads the app, ``manage.py preflight`` before the
worker (docker-compose). Each problem is said in one line that names the setting to fix; the
process then exits non-zero instead of answering requests with errors.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor

logger = logging.getLogger("accord.preflight")


@dataclass
class Report:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _check_database(report: Report) -> None:
    db = settings.DATABASES["default"]
    where = f"{db.get('HOST') or 'local'}:{db.get('PORT') or ''}/{db.get('NAME')}"
    try:
        connection.ensure_connection()
    except DatabaseError as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        report.errors.append(f"DATABASE_URL: cannot connect to the database {where}: {first_line}")
        return
    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as exc:
        report.errors.append(f"DATABASE_URL: cannot read the migrations table of {where}: {exc}")
        return
    finally:
        connection.close()
    if pending:
        report.errors.append(f"the database {where} lacks {len(pending)} migration(s): run `manage.py migrate` first")


def _check_seal(report: Report) -> None:
    # Imported here: documents imports settings-dependent modules.
    from documents.sealing import DEV_ORGANIZATION, SealConfigurationError, load_seal_signer

    try:
        signer = load_seal_signer()
    except SealConfigurationError as exc:
        report.errors.append(f"PDF seal: {exc}")
        return
    except (OSError, ValueError) as exc:
        report.errors.append(f"PDF seal: the key or certificate cannot be read: {exc}")
        return
    subject = signer.signing_cert.subject.human_friendly if signer.signing_cert is not None else ""
    if DEV_ORGANIZATION in subject:
        report.warnings.append(
            "PDF seal: this is a DEVELOPMENT SEAL, NOT FOR PRODUCTION. PDFs sealed with it say so on /verify/. "
            "Install the secretariat's certificate (docs/operations.md, 'The seal')."
        )


def _check_cache(report: Report) -> None:
    if not getattr(settings, "CACHE_URL", ""):
        return
    try:
        caches["default"].get("accord-preflight")
    except Exception as exc:  # redis-py raises its own ConnectionError, not an OSError
        report.errors.append(f"CACHE_URL: the cache does not answer: {exc}")


def _check_tasks(report: Report) -> None:
    backend = settings.TASKS["default"]["BACKEND"]
    if backend.endswith("ImmediateBackend"):
        report.errors.append(
            f"TASKS_BACKEND: {backend} renders PDFs inside web requests; "
            "use django_tasks_db.DatabaseBackend and run `manage.py db_worker`"
        )


def run() -> Report:
    """Every check, each problem in one line."""
    report = Report()
    _check_database(report)
    _check_seal(report)
    _check_cache(report)
    _check_tasks(report)
    return report


def exit_unless_ready(role: str) -> None:
    """Log the warnings; print the errors and exit with status 3 if there is any."""
    report = run()
    for warning in report.warnings:
        logger.warning("%s", "!" * 20 + " " + warning + " " + "!" * 20)
    if report.errors:
        lines = "\n".join(f"  - {error}" for error in report.errors)
        sys.stderr.write(f"Accord ({role}) cannot start:\n{lines}\n")
        sys.stderr.flush()
        raise SystemExit(3)
