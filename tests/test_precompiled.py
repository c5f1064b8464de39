"""Precompiled per-request queries (config/precompiled.py): the ORM's rows and answers, without its cost."""

from __future__ import annotations

import dataclasses
import time
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from config.auth_backend import ModelBackend
from config.precompiled import PrecompiledQuery
from declarations import page_cache
from declarations.models import Declaration
from declarations.page_cache import STAMP_ATTRIBUTE
from declarations.permissions import declaration_perms, get_declaration_for

from .permission_world import ROLES, build_world

pytestmark = pytest.mark.django_db


def _fields(instance: Any) -> dict[str, Any]:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}


def _user_query() -> PrecompiledQuery[Any]:
    user_model = get_user_model()
    return PrecompiledQuery(user_model, lambda: user_model._default_manager.filter(pk=0))


def test_rows_are_the_orms_rows() -> None:
    """Booleans, datetimes and text come back as the ORM gives them (SQLite needs converters for them)."""
    user = get_user_model().objects.create_user("alice", email="a@example.org", first_name="Ålice", is_staff=True)
    user.last_login = timezone.now()
    user.save()
    query = _user_query()
    [loaded] = query.fetch([user.pk])
    assert _fields(loaded) == _fields(get_user_model().objects.get(pk=user.pk))
    assert loaded.is_staff is True and loaded.last_login.tzinfo is not None
    assert loaded._state.adding is False and loaded._state.db == "default"
    assert query.fetch([user.pk + 1000]) == []


def test_json_fields_and_extra_columns() -> None:
    world = build_world()
    query: PrecompiledQuery[Declaration] = PrecompiledQuery(
        Declaration,
        lambda: Declaration.objects.filter(slug="").order_by(),
        wrap=lambda sql: sql.replace(" FROM ", ", 41 + 1 AS answer FROM ", 1),
    )
    [(loaded, extra)] = query.fetch_rows([world.declaration.slug])
    assert _fields(loaded) == _fields(Declaration.objects.get(pk=world.declaration.pk))
    assert isinstance(loaded.languages, list) and loaded.languages
    assert extra == (42,)


def test_compiled_again_for_another_connection() -> None:
    """Converters belong to the connection that compiled them: a new connection object compiles anew."""
    user = get_user_model().objects.create_user("bob")
    query = _user_query()
    compiled = query._compiled()
    query._local.compiled = dataclasses.replace(compiled, connection=object(), sql="not sql at all")
    assert [found.pk for found in query.fetch([user.pk])] == [user.pk]
    assert query._compiled().sql == compiled.sql


def test_backend_answers_as_djangos() -> None:
    user_model = get_user_model()
    active = user_model.objects.create_user("carol")
    inactive = user_model.objects.create_user("dave", is_active=False)
    ours, django = ModelBackend(), DjangoModelBackend()
    for user_id in (active.pk, str(active.pk), inactive.pk, active.pk + 1000):
        expected, got = django.get_user(user_id), ours.get_user(user_id)
        assert (got and _fields(got)) == (expected and _fields(expected)), user_id
    assert ours.get_user(active.pk) is not None and ours.get_user(inactive.pk) is None
    # A session value that is no id at all: no user (Django's backend raises ValueError there).
    assert ours.get_user("not-a-number") is None


def test_the_loader_reads_the_draft_stamp_with_the_declaration() -> None:
    world = build_world()
    user = get_user_model().objects.get(username=ROLES["secretariat"])
    plain = get_declaration_for(user, world.declaration.slug)
    user = get_user_model().objects.get(username=ROLES["secretariat"])
    stamped = get_declaration_for(user, world.declaration.slug, stamp=True)
    assert STAMP_ATTRIBUTE not in plain.__dict__
    assert stamped.__dict__[STAMP_ATTRIBUTE] == page_cache.draft_stamp(plain)
    assert page_cache.draft_stamp(stamped) == page_cache.draft_stamp(plain)
    assert declaration_perms(user, stamped) == declaration_perms(get_user_model().objects.get(pk=user.pk), plain)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL backend's health check")
def test_health_check_only_after_the_connection_sat_idle(monkeypatch: Any, settings: Any) -> None:
    connection: Any = connections["default"]
    assert type(connection).__module__ == "config.postgresql.base"
    settings.DB_HEALTH_CHECK_IDLE_SECONDS = 5
    checks: list[int] = []

    def is_usable(self: Any) -> bool:
        checks.append(1)
        return True

    monkeypatch.setattr(type(connection), "is_usable", is_usable)
    connection.ensure_connection()
    monkeypatch.setattr(connection, "health_check_enabled", True)

    def next_request(checked_seconds_ago: float) -> None:
        connection._accord_checked_at = time.monotonic() - checked_seconds_ago
        connection.health_check_done = False
        connection.close_if_health_check_failed()

    next_request(1)
    assert checks == []
    next_request(60)
    assert checks == [1]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_the_loader_runs_prepared_and_is_counted(django_assert_num_queries: Any) -> None:
    world = build_world()
    user = get_user_model().objects.get(username=ROLES["secretariat"])
    with django_assert_num_queries(1) as captured:
        get_declaration_for(user, world.declaration.slug, stamp=True)
    assert captured.captured_queries[0]["sql"].startswith("EXECUTE (prepared)")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        assert cursor.fetchone()[0] >= 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_without_prepared_statements_the_loader_runs_as_plain_sql(django_assert_num_queries: Any) -> None:
    """DB_PREPARED_STATEMENTS=0 leaves psycopg's threshold unset: the loader then runs through Django's cursor."""
    world = build_world()
    user = get_user_model().objects.get(username=ROLES["secretariat"])
    connection.ensure_connection()
    raw: Any = connection.connection
    threshold, raw.prepare_threshold = raw.prepare_threshold, None
    try:
        with django_assert_num_queries(1) as captured:
            declaration = get_declaration_for(user, world.declaration.slug, stamp=True)
    finally:
        raw.prepare_threshold = threshold
    assert not captured.captured_queries[0]["sql"].startswith("EXECUTE (prepared)")
    assert declaration.pk == world.declaration.pk
    assert declaration.__dict__[STAMP_ATTRIBUTE] == page_cache.draft_stamp(Declaration.objects.get(pk=declaration.pk))


# --- The session's user and the declaration in one query (declarations.permissions.prefetch_declaration)


def _page_queries(client: Any, slug: str) -> tuple[Any, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/d/{slug}/")
    return response, [query["sql"] for query in captured.captured_queries]


def _reads_user_alone(sql: str) -> bool:
    table = connection.ops.quote_name(get_user_model()._meta.db_table)
    return f" FROM {table} WHERE " in sql and "first_part" not in sql


def test_pair_rows_are_both_queries_rows() -> None:
    from declarations.permissions import _BY_SLUG, _USER_AND_DECLARATION

    world = build_world()
    user = get_user_model().objects.get(username=ROLES["secretariat"])
    slug = world.declaration.slug
    rows = _USER_AND_DECLARATION[True].fetch([user.pk], [user.pk, user.pk, slug])
    alone = _BY_SLUG[True].fetch_rows([user.pk, user.pk, slug])
    assert len(rows) == len(alone) > 1  # one row per grant
    for (got_user, second), (declaration, extra) in zip(rows, alone, strict=True):
        assert _fields(got_user) == _fields(user)
        assert second is not None
        assert _fields(second[0]) == _fields(declaration) and second[1] == extra
    # No such declaration: the user's row alone. No such user: nothing.
    [(got_user, nothing)] = _USER_AND_DECLARATION[True].fetch([user.pk], [user.pk, user.pk, "no-such-slug"])
    assert got_user.pk == user.pk and nothing is None
    assert _USER_AND_DECLARATION[True].fetch([user.pk + 1000], [user.pk + 1000, user.pk + 1000, slug]) == []


def test_declaration_page_reads_user_and_declaration_in_one_query(client: Any) -> None:
    from config import auth_backend
    from declarations import permissions

    world = build_world()
    client.force_login(get_user_model().objects.get(username=ROLES["secretariat"]))
    response, queries = _page_queries(client, world.declaration.slug)
    assert response.status_code == 200
    assert any("first_part" in sql for sql in queries)
    assert not [sql for sql in queries if _reads_user_alone(sql)]
    # Nothing of this request is left for the next one on this thread.
    assert permissions._prefetched.get() is None
    assert auth_backend._prefetched.get() is None
    # Another page still reads its user as Django does.
    with CaptureQueriesContext(connection) as captured:
        assert client.get(f"/d/{world.declaration.slug}/versions/").status_code == 200
    assert any(_reads_user_alone(query["sql"]) for query in captured.captured_queries)


def test_prefetched_user_still_goes_through_authentication(client: Any) -> None:
    """Inactive, changed password, no permission: the same answers as without the shared query."""
    world = build_world()
    slug = world.declaration.slug
    user = get_user_model().objects.get(username=ROLES["reviewer"])
    client.force_login(user)
    assert _page_queries(client, slug)[0].status_code == 200

    # A new password ends the session (session hash check), and the session is flushed.
    user.set_password("a new password 123")
    user.save()
    response, _ = _page_queries(client, slug)
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert "_auth_user_id" not in client.session

    # An inactive user is no user.
    client.force_login(user)
    get_user_model().objects.filter(pk=user.pk).update(is_active=False)
    response, _ = _page_queries(client, slug)
    assert response.status_code == 302 and "/login/" in response["Location"]

    # Someone outside the declaration gets 404, an unknown slug too.
    client.force_login(get_user_model().objects.get(username=ROLES["outsider"]))
    assert _page_queries(client, slug)[0].status_code == 404
    assert _page_queries(client, "no-such-declaration")[0].status_code == 404


def test_prefetch_stands_aside_when_the_user_was_read(rf: Any) -> None:
    """A user already read, or a session of another backend: the view loads as it always did."""
    from django.contrib.sessions.backends.db import SessionStore

    from declarations.permissions import _prefetch

    world = build_world()
    user = get_user_model().objects.get(username=ROLES["secretariat"])
    request = rf.get("/")
    request.session = SessionStore()
    request.session["_auth_user_id"] = str(user.pk)
    request.session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    assert _prefetch(request, world.declaration.slug, stamp=True) is None
    request.session["_auth_user_backend"] = "config.auth_backend.ModelBackend"
    found = _prefetch(request, world.declaration.slug, stamp=True)
    assert found is not None and found[0].pk == user.pk and found[1].rows
    request._cached_user = user
    assert _prefetch(request, world.declaration.slug, stamp=True) is None
