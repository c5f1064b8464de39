"""A typed signature: the signatory signs by typing their name, which the server draws as the image."""

from __future__ import annotations

import io
import uuid
from typing import Any

import pytest
from PIL import Image

from declarations.models import Declaration
from signing.images import ImageError
from signing.models import Signature, SigningEvent
from signing.typed import face_for, signature_from_typed_name

from .signing_helpers import committed, designate, open_signing

pytestmark = pytest.mark.django_db


@pytest.fixture
def signing(demo: Declaration) -> Any:
    signing = open_signing(demo)
    designate(signing, "gyeonggi")
    return signing


def _post(client: Any, signing: Any, **extra: str) -> Any:
    data = {
        "content_hash": signing.version.content_hash,
        "idempotency_key": str(uuid.uuid4()),
        "password": "accord-demo",
        "typed_name": "Kim Min-ji",
        "method": "typed",
        "confirm": "on",
    }
    data.update(extra)
    with committed():
        return client.post(f"/d/{signing.declaration.slug}/signing/party/gyeonggi/", data)


def _ink(image_bytes: bytes) -> int:
    """How many pixels of the image carry ink (not transparent)."""
    image = Image.open(io.BytesIO(image_bytes)).convert("RGBA")
    return sum(1 for alpha in image.getchannel("A").tobytes() if alpha > 128)


def test_signatory_signs_with_the_typed_name(signing: Any, user_client: Any) -> None:
    """Method "typed": the typed name, drawn by the server, is the signature image; the audit says so."""
    response = _post(user_client("gyeonggi.signatory"), signing)
    assert response.status_code == 302
    signature = Signature.objects.get()
    assert (signature.method, signature.get_method_display()) == ("typed", "Typed name")
    data = signature.image.read()
    assert data.startswith(b"\x89PNG") and _ink(data) > 2000
    event = SigningEvent.objects.get(kind=SigningEvent.Kind.SIGNED)
    assert event.data["method"] == "typed"


def test_a_typed_name_other_than_the_printed_one_is_refused(signing: Any, user_client: Any) -> None:
    """The typed signature must be the name that will be printed; nothing is recorded otherwise."""
    response = _post(user_client("gyeonggi.signatory"), signing, typed_name="Somebody Else")
    assert response.status_code == 400
    assert "Type your name exactly as it will be printed: Kim Min-ji." in response.content.decode()
    assert not Signature.objects.exists()


def test_a_name_no_typeface_can_draw_is_refused_with_a_way_out() -> None:
    """Characters no face has are never drawn as boxes: the signatory is told to draw or upload instead."""
    with pytest.raises(ImageError, match="draw your signature or upload an image"):
        signature_from_typed_name("Kim \U00013000")


def test_each_script_is_set_in_a_face_that_has_all_its_letters() -> None:
    """Hangul in Nanum Myeongjo; accented Latin and Cyrillic in Noto Serif; the image fits 1200 × 400."""
    assert face_for("김민지").path.name == "NanumMyeongjo.ttf"  # type: ignore[union-attr]
    assert face_for("Hélène Ça").path.name == "NotoSerif-Regular.ttf"  # type: ignore[union-attr]
    assert face_for("Иван Петров").path.name == "NotoSerif-Regular.ttf"  # type: ignore[union-attr]
    image = Image.open(signature_from_typed_name("Maria de los Ángeles Fernández-Villaverde"))
    assert image.size[0] <= 1200 and image.size[1] <= 400
