"""Verifying a sealed Accord PDF: the seal's signature, its certificate, its coverage of every byte.

Pure functions, no database access, like :mod:`documents.sealing` (which makes the seal); the trust
roots come from the same settings (``load_trust_roots``).
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from .sealing import DEV_ORGANIZATION, SEAL_FIELD_NAME, _outside_event_loop, load_trust_roots

__all__ = ["VerificationResult", "extract_embedded_files", "verify_pdf_bytes"]

# Seal certificates carry nonRepudiation (contentCommitment) and/or
# digitalSignature depending on the issuing CA; accept either.
_KEY_USAGE: Final = KeyUsageConstraints(
    key_usage={"non_repudiation", "digital_signature"},
    match_all_key_usages=False,
)
# Bounds recursion when walking untrusted name trees.
_MAX_NAME_TREE_DEPTH: Final = 16


@dataclass(slots=True)
class VerificationResult:
    """Outcome of :func:`verify_pdf_bytes`.

    ``valid`` is the only field to base a yes/no answer on: intact signature
    + trusted seal certificate + signature covering every byte of the file.
    """

    intact: bool = False
    valid: bool = False
    signer_subject: str | None = None
    signed_at: datetime | None = None
    covers_whole_document: bool = False
    sha256: str = ""
    embedded_files: dict[str, bytes] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def development_seal(self) -> bool:
        """Sealed with a certificate made by generate_dev_certificate: not a secretariat's seal."""
        return bool(self.signer_subject and DEV_ORGANIZATION in self.signer_subject)


def _read_pdf(pdf: bytes) -> PdfFileReader:
    # strict=False: tolerate minor syntax issues when *reading*; integrity is
    # judged by the signature, not by the parser.
    return PdfFileReader(io.BytesIO(pdf), strict=False)


def _name_tree_leaves(node: Any, depth: int = 0) -> Iterable[tuple[str, Any]]:
    if depth > _MAX_NAME_TREE_DEPTH or not isinstance(node, generic.DictionaryObject):
        return
    names = node.get("/Names")
    if isinstance(names, generic.ArrayObject):
        for index in range(0, len(names) - 1, 2):
            yield str(names[index]), names[index + 1]
    kids = node.get("/Kids")
    if isinstance(kids, generic.ArrayObject):
        for kid in kids:
            yield from _name_tree_leaves(kid.get_object(), depth + 1)


def _embedded_files_from_reader(reader: PdfFileReader) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    try:
        tree = reader.root["/Names"]["/EmbeddedFiles"]
    except KeyError:
        return files
    for key, spec in _name_tree_leaves(tree.get_object()):
        spec = spec.get_object()
        if not isinstance(spec, generic.DictionaryObject):
            continue
        filename = str(spec.get("/UF") or spec.get("/F") or key)
        ef = spec.get("/EF")
        if not isinstance(ef, generic.DictionaryObject):
            continue
        stream = ef.get("/UF") or ef.get("/F")
        if stream is None:
            continue
        stream = stream.get_object()
        if isinstance(stream, generic.StreamObject):
            files[filename] = stream.data
    return files


def extract_embedded_files(pdf: bytes) -> dict[str, bytes]:
    """``{filename: content}`` of the files embedded in *pdf* (EmbeddedFiles).

    Raises ``ValueError`` if *pdf* cannot be parsed.
    """
    try:
        return _embedded_files_from_reader(_read_pdf(pdf))
    except Exception as exc:  # pyHanko raises a variety of parse errors
        raise ValueError(f"cannot read embedded files: {exc}") from exc


def _signature_contents_canonical(pdf: bytes, sig_object: Any) -> bool:
    """True if the unsigned ``/Contents`` gap holds exactly the CMS + zero padding.

    The /ByteRange excludes the ``<hex>`` of /Contents, and DER parsers ignore
    what follows the CMS structure, so the zero padding pyHanko reserves could
    be altered without affecting the signature. "Any changed byte makes the
    seal invalid" therefore needs this extra check: the gap must be one hex
    string in a single case whose bytes after the DER object are all zero.
    """
    start, first_length, gap_end, _ = (int(value) for value in sig_object["/ByteRange"])
    gap = pdf[start + first_length : gap_end]
    if len(gap) < 4 or gap[:1] != b"<" or gap[-1:] != b">":
        return False
    hex_digits = gap[1:-1]
    try:
        raw = bytes.fromhex(hex_digits.decode("ascii"))
    except ValueError:
        return False
    if len(raw) < 2 or raw[0] != 0x30:  # DER SEQUENCE (ContentInfo)
        return False
    if raw[1] < 0x80:
        header, length = 2, raw[1]
    else:
        size = raw[1] & 0x7F
        header, length = 2 + size, int.from_bytes(raw[2 : 2 + size], "big")
    end = header + length
    if end > len(raw) or any(raw[end:]):
        return False
    return hex_digits in (raw.hex().encode(), raw.hex().upper().encode())


@_outside_event_loop
def verify_pdf_bytes(
    pdf: bytes,
    *,
    trust_roots: Sequence[asn1_x509.Certificate] | None = None,
) -> VerificationResult:
    """Check the Accord seal on *pdf*. Never raises on bad input.

    *trust_roots* defaults to :func:`load_trust_roots` (settings; that call
    may raise :class:`SealConfigurationError`, a deployment error rather than
    bad input). Garbage, truncated or empty input yields ``intact=False`` and
    a message in ``problems``. ``valid`` additionally requires a trusted
    signer and coverage of the entire file: an appended incremental update,
    trailing bytes or any modified byte make the document invalid.
    """
    result = VerificationResult(sha256=hashlib.sha256(pdf).hexdigest())
    roots = list(trust_roots) if trust_roots is not None else load_trust_roots()

    if not pdf:
        result.problems.append("empty file")
        return result
    try:
        reader = _read_pdf(pdf)
        signatures = reader.embedded_signatures
    except Exception as exc:
        result.problems.append(f"not a readable PDF: {exc}")
        return result

    try:
        result.embedded_files = _embedded_files_from_reader(reader)
    except Exception as exc:
        result.problems.append(f"embedded files unreadable: {exc}")

    seals = [sig for sig in signatures if sig.field_name == SEAL_FIELD_NAME]
    if not seals:
        result.problems.append(f"no {SEAL_FIELD_NAME} signature found")
        return result
    if len(signatures) > 1:
        result.problems.append(f"{len(signatures)} signatures present, expected one")

    embedded = seals[-1]
    try:
        context = ValidationContext(trust_roots=roots, allow_fetching=False)
        status = validate_pdf_signature(embedded, signer_validation_context=context, key_usage_settings=_KEY_USAGE)
    except Exception as exc:
        # Corrupted CMS blobs, byte ranges pointing outside the file, etc.
        result.problems.append(f"signature could not be validated: {exc}")
        return result

    result.intact = bool(status.intact and status.valid)
    result.covers_whole_document = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    result.signed_at = status.signer_reported_dt
    try:
        result.signer_subject = status.signing_cert.subject.human_friendly
    except Exception:
        result.signer_subject = None

    if not status.intact:
        result.problems.append("document bytes do not match the signed digest")
    if not status.valid:
        result.problems.append("cryptographic signature is invalid")
    if not status.trusted:
        result.problems.append("signer certificate is not the trusted Accord seal")
    if not result.covers_whole_document:
        result.problems.append("signature does not cover the whole file (content was appended after sealing)")
    contents_ok = False
    try:
        contents_ok = _signature_contents_canonical(pdf, embedded.sig_object)
    except Exception as exc:
        result.problems.append(f"signature /Contents unreadable: {exc}")
    if not contents_ok:
        result.problems.append("bytes inside the signature container were altered")
    result.valid = bool(
        result.intact
        and contents_ok
        and status.trusted
        and result.covers_whole_document
        and status.bottom_line
        and len(signatures) == 1
    )
    if result.valid is False and not result.problems:
        result.problems.append("signature failed validation policy checks")
    return result
