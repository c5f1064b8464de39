"""Forms for rounds and comments: input shape only, the rules live in services."""

from __future__ import annotations

import datetime
import zoneinfo
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.text import TextField
from declarations.models import Clause, Declaration, DeclarationParty, DeclarationVersion, Section
from declarations.selectors import document
from declarations.templatetags.accord import lang_dir, lang_name
from signatories.models import Party

from .anchors import PassageAnchor
from .models import Comment, CommentRound

TIME_ZONES = sorted(zoneinfo.available_timezones() - {"Factory", "localtime"})


class RoundForm(forms.Form):
    version = forms.ModelChoiceField(
        queryset=DeclarationVersion.objects.none(), label=_("Version to comment on"), empty_label=_("— Choose —")
    )
    deadline = forms.DateTimeField(
        label=_("Deadline"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone of the deadline"), choices=[(tz, tz) for tz in TIME_ZONES], initial="UTC"
    )
    visibility = forms.ChoiceField(
        label=_("Who sees submitted comments"),
        choices=CommentRound.Visibility.choices,
        widget=forms.RadioSelect,
        initial=CommentRound.Visibility.IMMEDIATE,
    )
    parties = forms.ModelMultipleChoiceField(
        queryset=Party.objects.none(), label=_("Invited parties"), widget=forms.CheckboxSelectMultiple
    )
    instructions = TextField(label=_("Instructions to the parties"), widget=forms.Textarea, required=False)

    def __init__(self, *args: Any, declaration: Declaration, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The reader's own zone (signatories/time_zones.py) unless they pick another for this deadline.
        self.fields["time_zone"].initial = timezone.get_current_timezone_name()
        # Deferred: each snapshot is the whole text (~1 MB at UN scale); the choices show number and label.
        versions = declaration.versions.defer("snapshot").order_by("-number")
        self.fields["version"].queryset = versions  # type: ignore[attr-defined]
        self.fields["version"].label_from_instance = lambda v: f"{v.number}: {v.label}"  # type: ignore[attr-defined]
        latest = versions.first()
        if latest is not None:
            self.fields["version"].initial = latest.pk
        participants = Party.objects.filter(
            participations__declaration=declaration, participations__role=DeclarationParty.Role.PARTICIPANT
        ).order_by("short_name")
        self.fields["parties"].queryset = participants  # type: ignore[attr-defined]
        self.fields["parties"].label_from_instance = lambda p: p.display_name()  # type: ignore[attr-defined]
        self.fields["parties"].initial = list(participants.values_list("pk", flat=True))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        deadline: datetime.datetime | None = data.get("deadline")
        tz = data.get("time_zone")
        if deadline is not None and tz:
            # The browser sends a wall-clock time; the chosen zone makes it an instant.
            naive = timezone.make_naive(deadline) if timezone.is_aware(deadline) else deadline
            data["deadline"] = naive.replace(tzinfo=zoneinfo.ZoneInfo(tz))
        return data


def target_choices(declaration: Declaration, language: str) -> list[tuple[str, str]]:
    choices: list[tuple[str, str]] = [("d", str(_("The declaration as a whole")))]
    for sv in document(declaration):
        heading = sv.section.display_heading(language)
        choices.append((f"s:{sv.section.pk}", str(_("Section: %(heading)s")) % {"heading": heading}))
        for cv in sv.clauses:
            first = " ".join(cv.text(language).split())[:60]
            # Paragraph numbers, as officials cite them; the clause key means nothing to them.
            choices.append((f"c:{cv.clause.pk}", f"¶ {cv.number} — {first}…"))
    return choices


def parse_target(declaration: Declaration, value: str) -> tuple[Clause | None, Section | None]:
    kind, _sep, pk = (value or "d").partition(":")
    try:
        if kind == "c":
            return Clause.objects.get(pk=int(pk), declaration=declaration), None
        if kind == "s":
            return None, Section.objects.get(pk=int(pk), declaration=declaration)
    except (ValueError, Clause.DoesNotExist, Section.DoesNotExist):
        raise ValidationError(_("Choose what the comment is about."), code="invalid_target") from None
    return None, None


def target_value(comment: Comment) -> str:
    if comment.clause_id:
        return f"c:{comment.clause_id}"
    if comment.section_id:
        return f"s:{comment.section_id}"
    return "d"


class CommentForm(forms.Form):
    target = forms.ChoiceField(label=_("About"))
    kind = forms.ChoiceField(label=_("Type"), choices=Comment.Kind.choices, initial=Comment.Kind.GENERAL)
    language = forms.ChoiceField(label=_("Language of the comment"))
    text = TextField(label=_("Comment or explanation"), widget=forms.Textarea, required=False)
    proposed_text = TextField(
        label=_("Proposed text (replaces the whole clause in this language)"),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
    )

    def __init__(self, *args: Any, declaration: Declaration, ui_language: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.declaration = declaration
        self.fields["target"].choices = target_choices(declaration, ui_language)  # type: ignore[attr-defined]
        self.fields["language"].choices = [(c, lang_name(c)) for c in declaration.languages]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        clause, section = parse_target(self.declaration, data.get("target", "d"))
        data["clause"], data["section"] = clause, section
        if data.get("kind") == Comment.Kind.PROPOSED_TEXT:
            if clause is None:
                self.add_error(
                    "target",
                    ValidationError(_("Proposed text replaces one clause: choose the clause."), code="needs_clause"),
                )
            if not (data.get("proposed_text") or "").strip():
                self.add_error("proposed_text", ValidationError(_("Write the text you propose."), code="required"))
        elif not (data.get("text") or "").strip():
            self.add_error("text", ValidationError(_("Write your comment."), code="required"))
        return data


class PassageFields(forms.Form):
    """The passage a reader selected, filled in by the page's script (static/js/passages.js); all or none."""

    anchor_language = forms.CharField(widget=forms.HiddenInput, required=False)
    anchor_start = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)
    anchor_end = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)
    # Not stripped: the quote must be the text at the offsets, spaces included.
    anchor_quote = forms.CharField(widget=forms.HiddenInput, required=False, strip=False)
    anchor_revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    ANCHOR_FIELDS = ("anchor_language", "anchor_start", "anchor_end", "anchor_quote", "anchor_revision")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        given = [data.get(name) not in (None, "") for name in self.ANCHOR_FIELDS]
        data["anchor"] = None
        if all(given):
            # Browsers send line breaks in form values as CRLF; clause texts store LF.
            quote = data["anchor_quote"].replace("\r\n", "\n")
            data["anchor"] = PassageAnchor(
                language=data["anchor_language"],
                start=data["anchor_start"],
                end=data["anchor_end"],
                quote=quote,
                revision=data["anchor_revision"],
            )
        elif any(given):
            raise ValidationError(_("The selected passage came incomplete. Select it again."), code="anchor_incomplete")
        return data


class PassageCommentForm(PassageFields):
    """A comment on a clause, or on the passage of it the reader selected."""

    kind = forms.ChoiceField(
        label=_("Type"),
        choices=[(k, label) for k, label in Comment.Kind.choices if k != Comment.Kind.PROPOSED_TEXT],
        initial=Comment.Kind.GENERAL,
    )
    language = forms.ChoiceField(label=_("Language of the comment"))
    text = TextField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, declaration: Declaration, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [(c, lang_name(c)) for c in declaration.languages]  # type: ignore[attr-defined]


class SuggestionForm(PassageFields):
    """Suggestion mode: the clause text edited in place, stored as a proposal against the revision shown."""

    proposed_text = TextField(label=_("Your version of the clause"), widget=forms.Textarea(attrs={"rows": 8}))
    text = TextField(label=_("Explanation (optional)"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    base_revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args: Any, language: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The box holds the clause text: it is in the clause's language and script direction.
        self.fields["proposed_text"].widget.attrs.update({"lang": language, "dir": lang_dir(language)})


class DispositionForm(forms.Form):
    disposition = forms.ChoiceField(
        label=_("Disposition"), choices=Comment.Disposition.choices, widget=forms.RadioSelect
    )
    reason = TextField(label=_("Reason (the commenting party reads it)"), widget=forms.Textarea(attrs={"rows": 3}))
    apply = forms.BooleanField(label=_("Apply the proposed text to the clause now"), required=False, initial=True)
    text = TextField(
        label=_("Text to apply when accepting with modification"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
    )
    base_revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # The comment's disposition_revision when this form was made (services.comment_dispose). Every
    # page carries it; a hand-made request without it is not checked (the row lock still orders it).
    seen_revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)


class ReasonForm(forms.Form):
    reason = TextField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class CloseForm(forms.Form):
    reason = TextField(label=_("Reason for closing early"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ReplyForm(forms.Form):
    text = TextField(label=_("Reply"), widget=forms.Textarea(attrs={"rows": 3}))
