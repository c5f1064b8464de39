"""manage.py generate_dev_certificate — a self-signed seal for development (make run calls it)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from documents.sealing import SealConfigurationError, generate_dev_certificate


class Command(BaseCommand):
    help = (
        "Create the seal key and certificate at ACCORD_SEAL_KEY_FILE / ACCORD_SEAL_CERT_FILE if they are "
        "missing (self-signed RSA-3072, development only). Never overwrites existing files."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        key_setting = getattr(settings, "ACCORD_SEAL_KEY_FILE", None)
        cert_setting = getattr(settings, "ACCORD_SEAL_CERT_FILE", None)
        if not key_setting or not cert_setting:
            if getattr(settings, "ACCORD_SEAL_PKCS12_FILE", None):
                self.stdout.write("A PKCS#12 seal is configured (ACCORD_SEAL_PKCS12_FILE); nothing to do.")
                return
            raise CommandError("Set ACCORD_SEAL_KEY_FILE and ACCORD_SEAL_CERT_FILE first.")
        key, cert = Path(key_setting), Path(cert_setting)
        if key.exists() and cert.exists():
            self.stdout.write(f"Seal certificate already present: {cert} (key {key}); nothing changed.")
            return
        if key.exists() or cert.exists():
            raise CommandError(
                f"Only one of {key} and {cert} exists; restore its pair or remove it (a fresh pair would not match)."
            )
        key.parent.mkdir(parents=True, exist_ok=True)
        cert.parent.mkdir(parents=True, exist_ok=True)
        # Generate next to the target (same file system), then move into the configured names.
        with tempfile.TemporaryDirectory(dir=key.parent) as scratch:
            try:
                new_key, new_cert = generate_dev_certificate(Path(scratch))
            except SealConfigurationError as exc:
                raise CommandError(str(exc)) from exc
            shutil.move(new_cert, cert)
            shutil.move(new_key, key)
        key.chmod(0o600)
        self.stdout.write(
            f"Created a self-signed development seal: key {key} (mode 0600), certificate {cert}. "
            "Do not use it in production (see docs/pdf.md)."
        )
