"""Search within a declaration (search.py): the form, the filters and one page of highlighted hits."""

from __future__ import annotations

import functools
from collections.abc import Callable
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from config.auth_types import AuthenticatedHttpRequest
from declarations import caching
from declarations.numbering import draft_paragraphs
from declarations.permissions import get_declaration_for
from signatories.models import Party

from .models import Comment
from .permissions import access_for
from .search import Filters, filters_stamp, search

ANY = [("", _("Any"))]


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search for"), max_length=200)
    party = forms.ChoiceField(label=_("Party"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=ANY + list(Comment.Status.choices))
    kind = forms.ChoiceField(label=_("Type"), required=False, choices=ANY + list(Comment.Kind.choices))
    clause = forms.ChoiceField(label=_("Clause"), required=False)

    def __init__(
        self, *args: object, parties: QuerySet[Party], paragraphs: Callable[[], dict[str, int]], **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # Callables: a list is built only to check a chosen value or to be rendered (its cached
        # fragment missed), not on every search.
        self.fields["party"].choices = lambda: ANY + [(p.key, p.display_name()) for p in parties]  # type: ignore[attr-defined]
        self.fields["clause"].choices = lambda: ANY + _numbered(paragraphs())  # type: ignore[attr-defined]


def _numbered(paragraphs: dict[str, int]) -> list[tuple[str, str]]:
    # Officials look for "paragraph 5", not the clause's key (issue 23, part 4).
    in_order = sorted(paragraphs.items(), key=lambda item: item[1])
    return [(key, _("Paragraph %(number)s") % {"number": number}) for key, number in in_order]


@require_GET
@login_required
def declaration_search(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    declaration = get_declaration_for(request.user, slug)
    access = access_for(request.user, declaration)
    parties = Party.objects.filter(participations__declaration=declaration).order_by("short_name")
    paragraphs = functools.cache(lambda: draft_paragraphs(declaration))  # read when a hit or the list needs it
    form = SearchForm(request.GET or None, parties=parties, paragraphs=paragraphs)
    # The party and paragraph lists (193 and 400 options at UN scale) cost more to render than the
    # search itself: each is a {% cache %} fragment per chosen value under this key (decision 100).
    lists_key = caching.page_key("search-lists", declaration, request.user, stamp=filters_stamp(declaration), shown={})
    context: dict[str, object] = {
        "declaration": declaration,
        "form": form,
        "access": access,
        "paragraphs": paragraphs,
        "long_lists": ("party", "clause"),
        "lists_key": lists_key,
        "lists_ttl": caching.BODY_TTL,
    }
    if form.is_valid():
        data = form.cleaned_data
        filters = Filters(party=data["party"], status=data["status"], kind=data["kind"], clause=data["clause"])
        page, hits = search(access, data["q"], filters, request.GET.get("page", 1))
        shown = {k: v for k, v in data.items() if v}
        context.update(page=page, hits=hits, filter_query=urlencode(shown))
    return render(request, "consultations/search.html", context)
