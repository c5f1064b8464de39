"""Each reader's time zone, for pages as for e-mails (issue 21, part 5).

A person's zone is their account setting (`AccountSettings.time_zone`); without one, the secretariat's
(`settings.TIME_ZONE`, set per deployment). Times are stored in UTC; the middleware activates the
reader's zone for the request, so forms read a typed time in it and templates show times in it, each
with its zone (config/formats/). PDFs are the exception: they print UTC and say so (documents/).

The zone is cached per user (one query per user every CACHE_TTL at most; the cached page bodies are
read with seven queries, tests/test_query_budgets.py), and the cache entry is dropped whenever the
account settings change.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from functools import cache as memoise

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from config.auth_types import AnyUser

from .people_models import AccountSettings

CACHE_TTL = 3600


def _key(user_id: int) -> str:
    return f"signatories:time-zone:{user_id}"


@memoise
def zone(name: str) -> zoneinfo.ZoneInfo:
    """The zone of that name, or the secretariat's when the name is unknown (a zone removed from tzdata)."""
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def default_time_zone() -> str:
    """The secretariat's time zone: what a reader without a setting of their own sees."""
    return settings.TIME_ZONE


def time_zone_of(user: AnyUser) -> str:
    """The name of the zone `user` reads times in."""
    if not user.is_authenticated:
        return default_time_zone()
    name = cache.get_or_set(
        _key(user.pk),
        lambda: AccountSettings.objects.filter(user_id=user.pk).values_list("time_zone", flat=True).first() or "",
        CACHE_TTL,
    )
    return name or default_time_zone()


def forget_time_zone(user_id: int) -> None:
    """Drop the cached zone now and again once the change commits (a request in between may cache the old one)."""
    cache.delete(_key(user_id))
    transaction.on_commit(lambda: cache.delete(_key(user_id)))


class ReaderTimeZoneMiddleware:
    """Activate the reader's time zone for the whole request (view, forms and templates)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with timezone.override(zone(time_zone_of(request.user))):
            return self.get_response(request)
