"""The one way into signing objects: outsiders get 404, insiders without the role get 403."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from config.auth_types import AnyUser
from declarations.models import Declaration
from declarations.permissions import SIGN, get_declaration_for, has_declaration_perm, is_secretariat
from signatories.models import Membership

from .models import Signature, Signing, SigningParty

# What each action on one party's answer needs (besides seeing the declaration).
SIGNATORY = "signatory"  # the designated signatory only
ANSWER = "answer"  # the designated signatory or the party's focal point (read, decline)
DESIGNATE = "designate"  # the party's focal point
SECRETARIAT = "secretariat"


def get_declaration_and_signing(
    user: AnyUser, slug: str, *, snapshot: bool = False
) -> tuple[Declaration, Signing | None]:
    """The declaration and its signing with its version; the version's snapshot only if asked for.

    The snapshot is the whole text (~400 KB of JSON at UN scale): the board, the signature images
    and the secretariat's actions need the version's number, label and hash only.
    """
    declaration = get_declaration_for(user, slug)
    signings = Signing.objects.filter(declaration=declaration).select_related("version")
    if not snapshot:
        signings = signings.defer("version__snapshot")
    return declaration, signings.first()


def get_signing_for(user: AnyUser, slug: str, *, secretariat: bool = False, snapshot: bool = False) -> Signing:
    """The declaration's signing; 404 for outsiders or when there is none, 403 for non-secretariat if asked."""
    declaration, signing = get_declaration_and_signing(user, slug, snapshot=snapshot)
    if signing is None:
        raise Http404("Signing has not been opened.")
    if secretariat and not is_secretariat(user, declaration):
        raise PermissionDenied
    signing.declaration = declaration
    return signing


def get_signing_party_for(user: AnyUser, slug: str, party_key: str, need: str) -> SigningParty:
    """One party's place in a signing, if the user may act for it as `need` says."""
    # Without the snapshot: the pages show the frozen text from a cached fragment and read its title
    # and languages alone (selectors.frozen_head); a miss loads the deferred snapshot then.
    signing = get_signing_for(user, slug)
    try:
        sp = SigningParty.objects.select_related("party", "signatory").get(signing=signing, party__key=party_key)
    except SigningParty.DoesNotExist:
        raise Http404("This party is not asked to sign.") from None
    sp.signing = signing
    if need == SECRETARIAT:
        allowed = is_secretariat(user, signing.declaration)
    else:
        roles = set(Membership.objects.filter(user=user, party=sp.party).values_list("role", flat=True))  # type: ignore[misc]
        designated = sp.signatory_id is not None and sp.signatory_id == user.pk
        if need == SIGNATORY:
            allowed = designated and has_declaration_perm(user, SIGN, signing.declaration)
        elif need == ANSWER:
            allowed = designated or Membership.Role.FOCAL_POINT in roles
        elif need == DESIGNATE:
            allowed = Membership.Role.FOCAL_POINT in roles
        else:  # pragma: no cover - a programming error
            raise ValueError(need)
    if not allowed:
        raise PermissionDenied
    return sp


def get_signature_for(user: AnyUser, slug: str, pk: int) -> Signature:
    signing = get_signing_for(user, slug)
    try:
        return Signature.objects.select_related("party").get(signing=signing, pk=pk)
    except Signature.DoesNotExist:
        raise Http404("No such signature.") from None
