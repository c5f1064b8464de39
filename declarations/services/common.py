"""What every write to a declaration shares: the error, text limits and the frozen-record rule."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ..models import Declaration


class DeclarationError(Exception):
    """A request that the declaration's state does not allow; the message is for the user."""


MAX_TEXT_LENGTH = 100_000
MAX_LABEL_LENGTH = 200
MAX_HEADING_LENGTH = 500
LOCKED_STATUSES = (Declaration.Status.SIGNED, Declaration.Status.WITHDRAWN)


def frozen_reason(declaration: Declaration) -> str | None:
    """Why nothing about this declaration's text may change any more, or None while it still may.

    Closing signing freezes the record: no clause edit, no new version, no comment round change.
    Services check it (so commands and views are covered); pages use it to say why.
    """
    if declaration.status == Declaration.Status.SIGNED:
        return _(
            "Signing is closed: the declaration is signed, so its text, its versions and its comment rounds "
            "can no longer change."
        )
    if declaration.status == Declaration.Status.WITHDRAWN:
        return _("The declaration was withdrawn: its text, its versions and its comment rounds can no longer change.")
    return None
