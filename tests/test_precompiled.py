"""Precompiled per-request queries (config/precompiled.py): the ORM's rows and answers, without its cost."""

from __future__ import annotations

import dataclasses
import time
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.db import connection, connections
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
