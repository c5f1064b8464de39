"""Creating a declaration in the browser (form → preview → save) and choosing its parties."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from config.auth_types import AuthenticatedHttpRequest
from signatories.models import Party, Secretariat
from signatories.people import secretariats_of
from signatories.un_states import un_states

from .creation import CreationError, Draft, declaration_create, empty_draft, read_upload
from .participation import parties_add, party_has_acted, party_remove, un_parties
from .permissions import EDIT, get_declaration_for
from .services.common import DeclarationError

SESSION_KEY = "accord_new_declaration"


class NewDeclarationForm(forms.Form):
    secretariat = forms.ModelChoiceField(
        label=gettext_lazy("Secretariat"), queryset=Secretariat.objects.none(), required=False
    )
    languages = forms.CharField(
        label=gettext_lazy("Languages"),
        initial="en",
        max_length=200,
        help_text=gettext_lazy("Language codes separated by commas, e.g. “en, fr, ko”."),
    )
    source_language = forms.CharField(
        label=gettext_lazy("Source language"),
        initial="en",
        max_length=16,
        help_text=gettext_lazy("The language the text is negotiated in."),
    )
    title = forms.CharField(label=gettext_lazy("Title in the source language"), max_length=500, required=False)
    other_titles = forms.CharField(
        label=gettext_lazy("Titles in other languages"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("One per line: “ko: 제목”."),
    )
    slug = forms.SlugField(
        label=gettext_lazy("Short name in addresses"),
        max_length=40,
        required=False,
        help_text=gettext_lazy("Optional; made from the title when empty."),
    )
    file = forms.FileField(
        label=gettext_lazy("Start from a file"),
        required=False,
        help_text=gettext_lazy(
            "Word (.docx), Markdown (.md) or Accord JSON (.json), at most 10 MB. "
            "Leave empty to start with an empty text."
        ),
    )

    def __init__(self, *args: object, secretariats: list[Secretariat], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["secretariat"]
        field.queryset = Secretariat.objects.filter(pk__in=[s.pk for s in secretariats])  # type: ignore[attr-defined]
        if len(secretariats) == 1:
            field.initial = secretariats[0].pk
            field.widget = forms.HiddenInput()

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if not data.get("secretariat"):
            choices = list(self.fields["secretariat"].queryset[:2])  # type: ignore[attr-defined]
            if len(choices) != 1:
                raise forms.ValidationError(_("Choose the secretariat."))
            data["secretariat"] = choices[0]
        data["language_list"] = [
            c.strip() for c in str(data.get("languages", "")).replace(" ", ",").split(",") if c.strip()
        ]
        source = str(data.get("source_language", "")).strip()
        titles = {source: str(data.get("title", "")).strip()} if data.get("title") else {}
        for line in str(data.get("other_titles", "")).splitlines():
            code, sep, text = line.partition(":")
            if not line.strip():
                continue
            if not sep or code.strip() not in data["language_list"]:
                raise forms.ValidationError(
                    _("“%(line)s”: write “code: title” with one of the languages.") % {"line": line[:60]}
                )
            titles[code.strip()] = text.strip()
        data["titles"] = {k: v for k, v in titles.items() if v}
        return data


def _secretariats(request: AuthenticatedHttpRequest) -> list[Secretariat]:
    found = list(Secretariat.objects.all()) if request.user.is_superuser else secretariats_of(request.user)
    if not found:
        raise Http404("No secretariat.")
    return found


@login_required
def declaration_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    secretariats = _secretariats(request)
    form = NewDeclarationForm(request.POST or None, request.FILES or None, secretariats=secretariats)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            upload = data.get("file")
            if upload is not None:
                # The size is known before anything is read: a 50 MB upload is refused unread.
                draft = read_upload(
                    name=upload.name,
                    size=upload.size,
                    read=upload.read,
                    title=data["titles"],
                    languages=data["language_list"],
                    source=data["source_language"].strip(),
                )
            else:
                source = data["source_language"].strip()
                if not data["titles"].get(source):
                    raise CreationError(_("Give the title in the source language."))
                draft = empty_draft(title=data["titles"], languages=data["language_list"], source=source)
        except CreationError as exc:
            form.add_error("file" if data.get("file") else None, str(exc))
        else:
            request.session[SESSION_KEY] = {
                "draft": draft.as_session(),
                "secretariat": data["secretariat"].pk,
                "slug": data.get("slug") or "",
            }
            return redirect("declarations:new_preview")
    return render(request, "declarations/new.html", {"form": form})


@login_required
def declaration_new_preview(request: AuthenticatedHttpRequest) -> HttpResponse:
    """What will be created, clause by clause, with the numbers found in the text; nothing is saved yet."""
    secretariats = _secretariats(request)
    pending = request.session.get(SESSION_KEY)
    if not pending:
        return redirect("declarations:new")
    secretariat = next((s for s in secretariats if s.pk == pending["secretariat"]), None)
    if secretariat is None:
        raise Http404("No secretariat.")
    draft = Draft.from_session(pending["draft"])
    if request.method == "POST":
        if request.POST.get("cancel"):
            request.session.pop(SESSION_KEY, None)
            return redirect("declarations:new")
        try:
            declaration = declaration_create(
                draft=draft, secretariat=secretariat, by=request.user, slug=pending["slug"]
            )
        except DeclarationError as exc:
            messages.error(request, str(exc))
        else:
            request.session.pop(SESSION_KEY, None)
            messages.success(request, _("The declaration is created. Add its parties next."))
            return redirect("declarations:parties", declaration.slug)
    data = draft.data
    source = data.get("source_language", data["languages"][0])
    number = 0
    sections = []
    for section in data["sections"]:
        clauses = []
        for clause in section["clauses"]:
            number += 1
            clauses.append(
                {
                    "number": number,
                    "found": draft.numbers.get(clause["key"], ""),
                    "text": clause["text"].get(source, ""),
                }
            )
        sections.append({"heading": section.get("heading", {}).get(source, ""), "clauses": clauses})
    return render(
        request,
        "declarations/new_preview.html",
        {
            "data": data,
            "source": source,
            "sections": sections,
            "secretariat": secretariat,
            "clause_count": number,
            "moved": draft.moved_count(),
            "slug": pending["slug"],
        },
    )


@login_required
def declaration_parties(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    declaration = get_declaration_for(request.user, slug, EDIT)
    links = list(declaration.participations.select_related("party"))
    taking_part = {link.party_id for link in links}
    query = request.GET.get("q", "").strip()
    directory = Party.objects.exclude(pk__in=taking_part).order_by("short_name")
    if query:
        directory = directory.filter(short_name__icontains=query)
    in_directory = set(Party.objects.filter(key__startswith="un-", pk__in=taking_part).values_list("key", flat=True))
    return render(
        request,
        "declarations/parties.html",
        {
            "declaration": declaration,
            "links": [(link, not party_has_acted(declaration, link.party)) for link in links],
            "directory": directory[:300],
            "directory_more": directory.count() > 300,
            "query": query,
            "un_states": [s for s in un_states() if s.key not in in_directory],
        },
    )


@require_POST
@login_required
def declaration_parties_add(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    declaration = get_declaration_for(request.user, slug, EDIT)
    if request.POST.get("un") == "all":
        parties = un_parties(None, by=request.user)
        parties = [p for p, s in zip(parties, un_states(), strict=True) if not s.observer]
    elif request.POST.getlist("un_states"):
        parties = un_parties(request.POST.getlist("un_states"), by=request.user)
    else:
        parties = list(Party.objects.filter(key__in=request.POST.getlist("parties")))
    if not parties:
        messages.error(request, _("Tick the parties to add."))
    else:
        added = parties_add(declaration=declaration, parties=parties, by=request.user)
        messages.success(request, _("%(n)s parties added.") % {"n": added})
    return redirect("declarations:parties", declaration.slug)


@require_POST
@login_required
def declaration_party_remove(request: AuthenticatedHttpRequest, slug: str, key: str) -> HttpResponse:
    declaration = get_declaration_for(request.user, slug, EDIT)
    party = Party.objects.filter(key=key, participations__declaration=declaration).first()
    if party is None:
        raise Http404("No such party.")
    try:
        party_remove(declaration=declaration, party=party, by=request.user)
        messages.success(request, _("%(party)s no longer takes part.") % {"party": party.display_name()})
    except DeclarationError as exc:
        messages.error(request, str(exc))
    return redirect("declarations:parties", declaration.slug)
