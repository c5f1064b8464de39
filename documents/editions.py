"""A new edition of the submission PDF after adherences (issue 21): one batch of adherences per edition.

The batch is closed in the signing audit chain (signing.adherence.edition_declare) and its
PDF is requested in the same transaction: if the request is refused, no edition is declared.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from config.auth_types import User
from declarations.models import Declaration
from signing.adherence import edition_declare
from signing.services import SigningError

from . import selectors
from .models import ExportJob, Kind
from .services import ExportError, export_request


def submission_edition_issue(*, declaration: Declaration, by: User) -> ExportJob:
    """Declare the next edition of the record (the adherences since the last one) and queue its PDF,
    in the languages and layout of the latest submission PDF (the declaration's defaults before one)."""
    signing = selectors.submission_signing(declaration)
    if signing is None:
        raise ExportError(_("The submission PDF can be made once signing is closed."))
    version = signing.version
    previous = selectors.latest_submission(declaration)
    languages = list(previous.languages) if previous else selectors.default_languages(declaration, version)
    layout = previous.layout if previous else None
    with transaction.atomic():
        try:
            number = edition_declare(signing=signing, by=by)
        except SigningError as exc:
            raise ExportError(str(exc)) from exc
        return export_request(
            declaration=declaration,
            version=version,
            kind=Kind.SUBMISSION,
            languages=languages,
            layout=layout,
            by=by,
            edition=number,
        )
