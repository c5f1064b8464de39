"""Electronic seal (PAdES baseline B-B) for Accord PDFs, with pyHanko 0.38.

Pure functions, no database access. Settings are read lazily (only when no
explicit ``signer=``/``trust_roots=`` is passed), so tests and scripts can
work without Django settings.

Settings (all optional until sealing is actually used):

``ACCORD_SEAL_KEY_FILE`` + ``ACCORD_SEAL_CERT_FILE``
    PEM private key and certificate of the seal.
``ACCORD_SEAL_KEY_PASSWORD``
    Passphrase of the PEM key, if encrypted (str or bytes).
``ACCORD_SEAL_PKCS12_FILE`` + ``ACCORD_SEAL_PKCS12_PASSWORD``
    Alternative to the PEM pair.
``ACCORD_SEAL_TRUSTED_CERT_FILES``
    Extra PEM/DER certificates accepted by :func:`documents.verification.verify_pdf_bytes` besides
    the current seal certificate - list previous seal certificates here after
    a key rotation, otherwise documents sealed before it stop verifying.

PDF/A-3a after sealing - what was checked (pyHanko 0.38 source + tests):

* The signature is an incremental update: the original bytes, including the
  ``%PDF-1.7`` header, are untouched.
* pyHanko raises the catalog ``/Version`` to 2.0 when the signature needs
  ISO 32001/32002 extensions: SHA-3/SHAKE digests, Ed25519/Ed448, or ECDSA
  on P-256/384/521 and Brainpool curves. PDF/A-3 is PDF 1.7-based, so we sign
  with RSA + SHA-256 only: ``/Version`` stays absent (header 1.7 applies).
  The dev certificate is RSA-3072 for this reason; :func:`seal_pdf` refuses
  a signer whose key would bump the version.
* pyHanko registers the ESIC developer extension (``/Extensions``) for PAdES
  on PDF 1.7 - allowed in PDF/A-2/3.
* pyHanko re-serialises the XMP packet (updating xmp:ModifyDate and
  pdf:Producer) and updates the Info dictionary. Its XMP model round-trips
  the WeasyPrint packet (pdfaid:part=3, pdfaid:conformance=A, dc:title) but
  could mangle pdfaExtension schema declarations - WeasyPrint emits none,
  and the check below would catch their loss. Info/XMP disagreement is
  avoided by rendering without Info /Producer and /ModDate (rendering.py):
  pyHanko then writes the same Producer in both and no Info ModDate.
* The invisible signature widget gets the Print flag and a zero-size /Rect
  (so no appearance stream is required by PDF/A).

:func:`documents.pdfa_check.pdfa3a_problems` re-checks these properties on
the final bytes (header, XMP identification, output intent, associated
files, Info/XMP agreement, annotation flags); veraPDF is not available here.
"""

from __future__ import annotations

import asyncio
import functools
import io
import logging
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Final

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.x509.oid import NameOID
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.fields import MDPPerm, SigSeedSubFilter
from pyhanko.sign.timestamps import TimeStamper
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

__all__ = [
    "SEAL_FIELD_NAME",
    "PreloadedKeySigner",
    "SealConfigurationError",
    "generate_dev_certificate",
    "load_seal_signer",
    "load_trust_roots",
    "seal_pdf",
    "signer_from_pem_files",
    "signer_from_pkcs12_file",
]


def _outside_event_loop[**P, R](func: Callable[P, R]) -> Callable[P, R]:
    """Run pyHanko's synchronous API even when this thread already runs an event loop.

    pyHanko's sync calls use asyncio.run(), which refuses to start inside a running loop (an
    async view, or Playwright's sync API in the same test process); then run them in a thread.
    """

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return func(*args, **kwargs)
        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(func, *args, **kwargs).result()

    return wrapper


logger = logging.getLogger(__name__)

SEAL_FIELD_NAME: Final = "AccordSeal"
DIGEST_ALGORITHM: Final = "sha256"
DEV_KEY_FILENAME: Final = "seal-key.pem"
DEV_CERT_FILENAME: Final = "seal-cert.pem"
# The organisation named in a development seal; /verify/ and the logs warn when they see it.
DEV_ORGANIZATION: Final = "Accord (development only)"


class SealConfigurationError(RuntimeError):
    """The seal key/certificate is not configured or cannot be loaded."""


# ---------------------------------------------------------------- signer ---


def _setting(name: str, default: Any = None) -> Any:
    # Imported lazily: this module must be importable without settings.
    from django.conf import settings

    return getattr(settings, name, default)


def _as_bytes(value: str | bytes | None) -> bytes | None:
    if value is None or isinstance(value, bytes):
        return value
    return value.encode("utf-8")


def _existing_file(setting_name: str, value: str | os.PathLike[str]) -> Path:
    path = Path(value)
    if not path.is_file():
        raise SealConfigurationError(f"{setting_name} points to a missing file: {path}")
    return path


class PreloadedKeySigner(signers.SimpleSigner):
    """A SimpleSigner that parses its private key once, not on every signature.

    pyHanko's SimpleSigner.sign_raw re-parses the DER key for each signature,
    and cryptography validates RSA private keys on load (~0.2 s for RSA-3072).
    pyHanko signs twice per seal (a dry run to size the /Contents placeholder,
    then for real), so that was ~0.4 s of a ~0.45 s seal. Keep one instance
    per process (:func:`load_seal_signer` caches it).
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        key = serialization.load_der_private_key(self.signing_key.dump(), password=None)
        self._rsa_key: RSAPrivateKey | None = key if isinstance(key, RSAPrivateKey) else None

    @classmethod
    def from_simple_signer(cls, signer: signers.SimpleSigner) -> PreloadedKeySigner:
        return cls(
            signing_cert=signer.signing_cert,
            signing_key=signer.signing_key,
            cert_registry=signer.cert_registry,
            prefer_pss=signer.prefer_pss,
        )

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        if self._rsa_key is not None and mechanism.signature_algo == "rsassa_pkcs1v15":
            return self._rsa_key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))
        return super().sign_raw(data, digest_algorithm)


def signer_from_pem_files(
    key_file: str | os.PathLike[str],
    cert_file: str | os.PathLike[str],
    *,
    key_password: str | bytes | None = None,
) -> PreloadedKeySigner:
    """Seal signer from a PEM (or DER) key + certificate pair.

    Raises :class:`SealConfigurationError` if a file is missing or unusable.
    """
    key_path = _existing_file("seal key file", key_file)
    cert_path = _existing_file("seal certificate file", cert_file)
    # SimpleSigner.load logs and returns None on failure instead of raising.
    signer = signers.SimpleSigner.load(str(key_path), str(cert_path), key_passphrase=_as_bytes(key_password))
    if signer is None:
        raise SealConfigurationError(f"could not load seal key/certificate from {key_path} and {cert_path}")
    return PreloadedKeySigner.from_simple_signer(signer)


def signer_from_pkcs12_file(
    p12_file: str | os.PathLike[str], *, password: str | bytes | None = None
) -> PreloadedKeySigner:
    """Seal signer from a PKCS#12 archive. Raises SealConfigurationError."""
    p12_path = _existing_file("seal PKCS#12 file", p12_file)
    signer = signers.SimpleSigner.load_pkcs12(str(p12_path), passphrase=_as_bytes(password))
    if signer is None:
        raise SealConfigurationError(f"could not load PKCS#12 seal from {p12_path} (wrong password?)")
    return PreloadedKeySigner.from_simple_signer(signer)


_signer_cache: dict[tuple[Any, ...], PreloadedKeySigner] = {}
_signer_cache_lock = threading.Lock()


def _file_stamp(path: Path) -> tuple[str, int, int]:
    stat = path.stat()
    return str(path), stat.st_mtime_ns, stat.st_size


def load_seal_signer() -> PreloadedKeySigner:
    """Build the seal signer from Django settings (see module docstring).

    Cached per process, keyed on the files' paths, mtimes and sizes, so a
    rotated key is picked up without a restart. Raises
    :class:`SealConfigurationError` if nothing is configured, a file is
    missing, or the key material cannot be loaded.
    """
    key_file = _setting("ACCORD_SEAL_KEY_FILE")
    cert_file = _setting("ACCORD_SEAL_CERT_FILE")
    p12_file = _setting("ACCORD_SEAL_PKCS12_FILE")

    if key_file or cert_file:
        if not (key_file and cert_file):
            raise SealConfigurationError("ACCORD_SEAL_KEY_FILE and ACCORD_SEAL_CERT_FILE must be set together")
        key_path = _existing_file("ACCORD_SEAL_KEY_FILE", key_file)
        cert_path = _existing_file("ACCORD_SEAL_CERT_FILE", cert_file)
        password = _setting("ACCORD_SEAL_KEY_PASSWORD")
        cache_key: tuple[Any, ...] = ("pem", _file_stamp(key_path), _file_stamp(cert_path))
        with _signer_cache_lock:
            if cache_key not in _signer_cache:
                _signer_cache.clear()
                _signer_cache[cache_key] = signer_from_pem_files(key_path, cert_path, key_password=password)
            return _signer_cache[cache_key]

    if p12_file:
        p12_path = _existing_file("ACCORD_SEAL_PKCS12_FILE", p12_file)
        password = _setting("ACCORD_SEAL_PKCS12_PASSWORD")
        cache_key = ("p12", _file_stamp(p12_path))
        with _signer_cache_lock:
            if cache_key not in _signer_cache:
                _signer_cache.clear()
                _signer_cache[cache_key] = signer_from_pkcs12_file(p12_path, password=password)
            return _signer_cache[cache_key]

    raise SealConfigurationError(
        "no seal configured: set ACCORD_SEAL_KEY_FILE + ACCORD_SEAL_CERT_FILE, or "
        "ACCORD_SEAL_PKCS12_FILE (+ ACCORD_SEAL_PKCS12_PASSWORD); for development "
        "create a key pair with documents.sealing.generate_dev_certificate()"
    )


def load_trust_roots() -> list[asn1_x509.Certificate]:
    """Certificates :func:`verify_pdf_bytes` trusts by default.

    The current seal certificate (pinned: we only verify what we sealed) plus
    ``ACCORD_SEAL_TRUSTED_CERT_FILES`` (e.g. seal certificates before a key
    rotation).
    """
    signer = load_seal_signer()
    roots: list[asn1_x509.Certificate] = []
    if signer.signing_cert is not None:
        roots.append(signer.signing_cert)
    for item in _setting("ACCORD_SEAL_TRUSTED_CERT_FILES", None) or ():
        path = _existing_file("ACCORD_SEAL_TRUSTED_CERT_FILES", item)
        roots.append(load_cert_from_pemder(str(path)))
    return roots


# ------------------------------------------------------- dev certificate ---


def generate_dev_certificate(directory: Path, common_name: str = "Accord development seal") -> tuple[Path, Path]:
    """Create a self-signed RSA-3072 seal key + certificate (PEM) in *directory*.

    Returns ``(key_path, cert_path)``. Idempotent: existing files are kept
    (never overwritten); a lone key or certificate is an error, since pairing
    it with fresh material would silently produce a mismatched seal.
    RSA rather than EC P-256: pyHanko would mark an ECDSA P-256 signature as
    needing PDF 2.0 (ISO 32002), which breaks PDF/A-3 (see module docstring).
    The private key file is created with mode 0600.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    key_path = directory / DEV_KEY_FILENAME
    cert_path = directory / DEV_CERT_FILENAME
    if key_path.exists() and cert_path.exists():
        return key_path, cert_path
    if key_path.exists() or cert_path.exists():
        raise SealConfigurationError(
            f"only one of {key_path.name}/{cert_path.name} exists in {directory}; remove it or restore its pair"
        )

    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, DEV_ORGANIZATION),
        ]
    )
    now = datetime.now(UTC)
    public_key = key.public_key()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=5 * 365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,  # a.k.a. nonRepudiation
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .sign(key, hashes.SHA256())
    )

    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    # O_EXCL + explicit mode: the key is never world-readable, not even
    # briefly, and a concurrent generator cannot clobber it.
    fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key_pem)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


# ---------------------------------------------------------------- sealing ---


def _check_signer_keeps_pdf17(signer: signers.Signer) -> None:
    cert = signer.signing_cert
    if cert is None:
        raise SealConfigurationError("seal signer has no certificate")
    algorithm = cert.public_key.algorithm
    if algorithm not in ("rsa", "rsassa_pss"):
        raise SealConfigurationError(
            f"seal key type {algorithm!r} is not supported: pyHanko would raise the "
            "document to PDF 2.0 (ISO 32002), breaking PDF/A-3; use an RSA key"
        )


@_outside_event_loop
def seal_pdf(
    pdf: bytes,
    *,
    signer: signers.Signer | None = None,
    reason: str,
    location: str | None,
    timestamper: TimeStamper | None = None,
) -> bytes:
    """Seal *pdf* with an invisible PAdES certification signature.

    - PAdES baseline B-B (B-T if a *timestamper* is given), ETSI.CAdES.detached,
      RSA + SHA-256 (keeps PDF 1.7 / PDF/A-3b, see module docstring).
    - Certification signature with DocMDP "no changes": viewers flag any later
      modification; :func:`verify_pdf_bytes` additionally requires the
      signature to cover the whole file.
    - Field name ``AccordSeal``; the seal is appended as an incremental update.

    *signer* defaults to :func:`load_seal_signer`. Synchronous (pyHanko runs
    its own event loop): do not call from inside a running asyncio loop.
    """
    signer = signer or load_seal_signer()
    _check_signer_keeps_pdf17(signer)
    metadata = signers.PdfSignatureMetadata(
        field_name=SEAL_FIELD_NAME,
        md_algorithm=DIGEST_ALGORITHM,
        # pyHanko's default subfilter is adbe.pkcs7.detached; PAdES needs this.
        subfilter=SigSeedSubFilter.PADES,
        reason=reason,
        location=location,
        certify=True,
        docmdp_permissions=MDPPerm.NO_CHANGES,
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    pdf_signer = signers.PdfSigner(metadata, signer=signer, timestamper=timestamper)
    output = pdf_signer.sign_pdf(writer)
    assert isinstance(output, io.BytesIO)
    return output.getvalue()
