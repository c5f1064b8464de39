"""The declaration page's cached body: never stale after an edit, never another user's CSRF token or role."""

from __future__ import annotations

import gzip
import random
import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache, caches
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from declarations import page_cache
from declarations.demo import MANIFESTO_SLUG
from declarations.models import Clause, ClauseText
from declarations.services import clause_text_update

URL = reverse("declarations:detail", args=[MANIFESTO_SLUG])
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    cache.clear()
    caches["pages"].clear()


def _first_clause(declaration: Any) -> Clause:
    return Clause.objects.filter(declaration=declaration, deleted_at=None).order_by("section__position", "position")[0]


def test_an_edit_shows_at_once(demo: Any, user_client: Any) -> None:
    """A clause saved after the page was cached is on the page at the next request."""
    reader = user_client("gyeonggi.reviewer")
    assert "A brand-new sentence." not in reader.get(URL).content.decode()
    clause = _first_clause(demo)
    current = ClauseText.objects.get(clause=clause, language="en")
    clause_text_update(
        clause=clause,
        language="en",
        text="A brand-new sentence.",
        base_revision=current.revision,
        by=get_user_model().objects.get(username="secretariat"),
    )
    assert "A brand-new sentence." in reader.get(URL).content.decode()


def test_the_shared_body_carries_no_token_and_the_clause_tools_carry_the_readers(demo: Any) -> None:
    """The cached body has no form; the forms come per clause with the token of the session asking."""
    user = get_user_model().objects.get(username="secretariat")
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(user)
    second.force_login(user)
    first.get(URL)  # fills the cache
    page = second.get(URL).content.decode()
    assert page_cache.TOKEN_SENTINEL not in page
    assert TOKEN.search(page.split('id="document"', 1)[1]) is None
    clause = _first_clause(demo)
    tools = second.get(
        reverse("declarations:clause_tools", args=[MANIFESTO_SLUG, clause.key]), {"lang": "en"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    token = TOKEN.search(tools).group(1)  # type: ignore[union-attr]
    response = second.post(
        reverse("declarations:clause_move", args=[MANIFESTO_SLUG, clause.key]),
        {"csrfmiddlewaretoken": token, "direction": "down", "lang": "en"},
    )
    assert response.status_code == 302


def test_a_body_with_a_token_is_refused() -> None:
    """Should a form ever slip into the shared body, rendering fails instead of sharing a token."""
    with pytest.raises(page_cache.SharedBodyError):
        page_cache.document_body(
            key_parts=("sentinel",), stamp="0", render=lambda token: (f'<input value="{token}">', {})
        )


def test_a_reader_never_gets_the_secretariats_tools(demo: Any, user_client: Any) -> None:
    """The body cached for the secretariat (with editing tools) is not served to a participant."""
    assert "More actions" in user_client("secretariat").get(URL).content.decode()
    body = user_client("gyeonggi.reviewer").get(URL).content.decode()
    assert "More actions" not in body and "edit-link" not in body


def _without_tokens(html: str) -> str:
    return re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', r"\1", html)


@pytest.mark.parametrize("query", [{"lang": "en"}, {"lang": "ko", "with": "en"}])
@pytest.mark.parametrize("username", ["secretariat", "gyeonggi.reviewer"])
def test_gzip_page_is_the_same_page(demo: Any, user_client: Any, username: str, query: dict[str, str]) -> None:
    """Put together from a cached stream, the gzip page is valid gzip (CRC and size checked by the
    decoder) and says exactly what the uncompressed page says, on a cache miss and on a hit."""
    client = user_client(username)
    for _ in ("miss", "hit"):
        packed = client.get(URL, query, HTTP_ACCEPT_ENCODING="gzip, deflate, br, zstd")
        plain = client.get(URL, query)
        assert packed["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed["Vary"]
        assert "Content-Encoding" not in plain and "Accept-Encoding" in plain["Vary"]
        assert len(packed.content) < len(plain.content) / 3
        unpacked = gzip.decompress(packed.content).decode()
        assert _without_tokens(unpacked) == _without_tokens(plain.content.decode())
        for code in query.values():
            text = ClauseText.objects.get(clause=_first_clause(demo), language=code).text
            assert escape(text.splitlines()[0]) in unpacked


@pytest.mark.parametrize(
    ("header", "gzip_ok"),
    [
        ("gzip", True),
        ("deflate, gzip;q=0.5", True),
        ("GZIP", True),
        ("*", True),
        ("gzip;q=0", False),
        ("gzip;q=0.0, identity", False),
        ("identity", False),
        ("x-gzip-not", False),
        ("", False),
    ],
)
def test_accept_encoding(rf: Any, header: str, gzip_ok: bool) -> None:
    assert page_cache.accepts_gzip(rf.get("/", HTTP_ACCEPT_ENCODING=header)) is gzip_ok


def test_joined_streams_are_valid_gzip_for_any_parts() -> None:
    """The CRC of head + body + tail is combined, not recomputed: check it on many shapes."""
    rng = random.Random(7)
    alphabet = "abc <p>clause</p> 경기도 의견 العربية 中文 \n"
    for size in [0, 1, 2, 31, 32, 33, 1000, 65535, 65536, 200_001]:
        body_text = "".join(rng.choice(alphabet) for _ in range(size))
        body = page_cache.CachedBody.build(body_text, {})
        assert body.html == body_text
        for head, tail in [("", ""), ("<html>", "</html>"), ("x" * 5000, "→ end")]:
            assert gzip.decompress(page_cache.gzip_page(head, body, tail)).decode() == head + body_text + tail


def test_processes_share_rendered_bodies_through_the_shared_cache(tmp_path: Any, settings: Any) -> None:
    """With a shared cache (Redis in production) a body rendered by one process serves the others;
    each process keeps its own copy in front of it (and starts empty, as a new process does)."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(tmp_path)},
        "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "test-pages"},
    }
    renders: list[str] = []

    def render(token: str) -> tuple[str, dict[str, Any]]:
        renders.append(token)
        return "<p>shared body</p>", {}

    first = page_cache.document_body(key_parts=("shared",), stamp="1", render=render)
    caches["pages"].clear()  # another process: nothing of its own yet
    second = page_cache.document_body(key_parts=("shared",), stamp="1", render=render)
    assert second.html == first.html == "<p>shared body</p>" and len(renders) == 1
    page_cache.document_body(key_parts=("shared",), stamp="2", render=render)  # the text changed
    assert len(renders) == 2


@pytest.mark.parametrize("shared", [False, True])
def test_a_new_body_is_rendered_once_more_after_its_grace_period(
    tmp_path: Any, settings: Any, monkeypatch: Any, shared: bool
) -> None:
    """An edit with a lower history id that commits after a body was rendered is not in that body,
    and the stamp does not change: the body is provisional, and the first request after the grace
    period renders it again. That rendering is kept: no re-rendering every minute."""
    if shared:
        settings.CACHES = {
            "default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(tmp_path)},
            "pages": {"BACKEND": "config.cache.ObjectLocMemCache", "LOCATION": "test-grace"},
        }
    now = [1_000_000.0]
    monkeypatch.setattr(page_cache.time, "time", lambda: now[0])
    texts = iter(["<p>before the late edit</p>", "<p>with the late edit</p>", "<p>never rendered</p>"])
    renders: list[str] = []

    def render(token: str) -> tuple[str, dict[str, Any]]:
        renders.append(next(texts))
        return renders[-1], {}

    def body() -> str:
        return page_cache.document_body(key_parts=("grace",), stamp="7", render=render).html

    assert body() == "<p>before the late edit</p>"
    now[0] += page_cache.BODY_GRACE - 1
    assert body() == "<p>before the late edit</p>" and len(renders) == 1
    now[0] += 2
    if shared:
        caches["pages"].clear()  # another process, which finds only the provisional body in the shared cache
    assert body() == "<p>with the late edit</p>" and len(renders) == 2
    for _ in range(3):
        now[0] += page_cache.BODY_GRACE * 10
        assert body() == "<p>with the late edit</p>"
    assert len(renders) == 2


def test_the_page_around_the_body_is_each_users_own(demo: Any, user_client: Any, monkeypatch: Any) -> None:
    """Rendered once with holes for name, path and token, the page says exactly what a full
    rendering says, for every user, hostile names and paths included, and a pending message
    is shown once."""
    secretariat = get_user_model().objects.get(username="secretariat")
    secretariat.first_name, secretariat.last_name = '<b>"Ana"', "& O'Neil</b>"
    secretariat.is_superuser = True
    secretariat.save()
    query = {"lang": "en", "x": '"><script>alert(1)</script>&amp;'}
    users = ("secretariat", "gyeonggi.reviewer", "kyoto.focal")
    with_holes = {name: [user_client(name).get(URL, query).content.decode() for _ in range(2)] for name in users}
    with monkeypatch.context() as patch:
        patch.setattr(
            page_cache,
            "render_shell",
            lambda request, template, context, key_parts: render_to_string(template, context, request=request),
        )
        plain = {name: user_client(name).get(URL, query).content.decode() for name in users}
    for name in users:
        for page in with_holes[name]:
            assert _without_tokens(page) == _without_tokens(plain[name])
            assert "<script>alert(1)" not in page and "x=%22%3E%3Cscript%3Ealert%281%29" in page
    assert "&lt;b&gt;&quot;Ana&quot; &amp; O&#x27;Neil&lt;/b&gt;" in with_holes["secretariat"][1]
    assert "Back office" in with_holes["secretariat"][1] and "Back office" not in with_holes["kyoto.focal"][1]
    assert "Ana" not in with_holes["kyoto.focal"][1]

    client = user_client("secretariat")
    client.post(
        reverse("declarations:clause_confirm", args=[MANIFESTO_SLUG, _first_clause(demo).key, "ko"]), {"lang": "en"}
    )
    assert 'class="messages"' in client.get(URL).content.decode()
    assert 'class="messages"' not in client.get(URL).content.decode()
