"""Every write to declarations, one module per concern; the names callers use are re-exported here.

- `lifecycle`: import, parties and roles, status, publishing versions
- `drafting`: the live text (clause texts, translations, clauses and sections)
- `common`: the error, text limits and the frozen-record rule they share

Code in this app imports from the module; the many tests and other apps that say
`services.version_publish` keep working through the names below.
"""

from .common import (
    LOCKED_STATUSES,
    MAX_HEADING_LENGTH,
    MAX_LABEL_LENGTH,
    MAX_TEXT_LENGTH,
    DeclarationError,
    frozen_reason,
)
from .drafting import (
    EditConflict,
    clause_add,
    clause_delete,
    clause_move,
    clause_restore,
    clause_text_update,
    clause_translation_confirm,
    section_add,
    section_delete,
    section_move,
    section_restore,
    section_update,
)
from .lifecycle import (
    PARTICIPANT_PERMS,
    SECRETARIAT_PERMS,
    declaration_add_party,
    declaration_grant_observer,
    declaration_grant_secretariat,
    declaration_import,
    declaration_set_status,
    version_publish,
)

__all__ = [
    "LOCKED_STATUSES",
    "MAX_HEADING_LENGTH",
    "MAX_LABEL_LENGTH",
    "MAX_TEXT_LENGTH",
    "PARTICIPANT_PERMS",
    "SECRETARIAT_PERMS",
    "DeclarationError",
    "EditConflict",
    "clause_add",
    "clause_delete",
    "clause_move",
    "clause_restore",
    "clause_text_update",
    "clause_translation_confirm",
    "declaration_add_party",
    "declaration_grant_observer",
    "declaration_grant_secretariat",
    "declaration_import",
    "declaration_set_status",
    "frozen_reason",
    "section_add",
    "section_delete",
    "section_move",
    "section_restore",
    "section_update",
    "version_publish",
]
