"""Factories for declarations: a small text in English and Korean, its parties and per-declaration rights.

`DeclarationFactory.create()` imports a declaration of `sections` × `clauses` through `declaration_import`
(history rows included) and publishes version 1, as a secretariat does before a round. Rights are
granted only through the services, so the object permissions are the real ones:

    DeclarationFactory.create(parties=[gyeonggi, kyoto], editors=[clerk], observers=[guest], secretariat=org)

Sections, clauses and texts for a test that needs one more are made by their own factories.
"""

from __future__ import annotations

from typing import Any

import factory

from declarations.creation import declaration_assign_secretariat
from declarations.models import Clause, ClauseText, Declaration, Section
from declarations.services import (
    declaration_add_party,
    declaration_grant_observer,
    declaration_grant_secretariat,
    declaration_import,
    version_publish,
)


def interchange_text(
    *, title: str | dict[str, str], languages: list[str], sections: int, clauses: int
) -> dict[str, Any]:
    """An interchange file with numbered sections and clauses, every clause in every language.

    `title` is the source language's title (the others get it with the language code) or one per language.
    """
    if isinstance(title, str):
        title = {lang: f"{title} ({lang})" if lang != languages[0] else title for lang in languages}
    return {
        "title": title,
        "languages": languages,
        "sections": [
            {
                "key": f"section-{s}",
                "heading": {lang: f"Section {s} ({lang})" for lang in languages},
                "clauses": [
                    {
                        "key": f"clause-{s}-{c}",
                        "text": {lang: f"Clause {s}.{c}, in {lang}." for lang in languages},
                    }
                    for c in range(1, clauses + 1)
                ],
            }
            for s in range(1, sections + 1)
        ],
    }


class DeclarationFactory(factory.Factory[Declaration]):
    """A declaration in drafting, with `sections` × `clauses` clauses and version 1 published."""

    class Meta:
        model = Declaration

    class Params:
        title = factory.Sequence(lambda n: f"Pledge {n} on open regional data")
        languages = ("en", "ko")
        sections = 2
        clauses = 2

    slug = factory.Sequence(lambda n: f"pledge-{n}")
    data = factory.LazyAttribute(
        lambda o: interchange_text(title=o.title, languages=list(o.languages), sections=o.sections, clauses=o.clauses)
    )

    @classmethod
    def _create(cls, model_class: type[Declaration], *, data: dict[str, Any], slug: str) -> Declaration:
        return declaration_import(data=data, slug=slug, by=None)

    @factory.post_generation
    def secretariat(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        """The secretariat organisation it belongs to (its group gets the rights)."""
        if extracted is not None:
            declaration_assign_secretariat(declaration=self, secretariat=extracted, by=None)  # type: ignore[arg-type]

    @factory.post_generation
    def parties(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        """Participating parties: their members may read and comment."""
        for party in extracted or []:
            declaration_add_party(declaration=self, party=party, by=None)  # type: ignore[arg-type]

    @factory.post_generation
    def editors(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        """People with the secretariat's rights on this declaration only."""
        for user in extracted or []:
            declaration_grant_secretariat(declaration=self, user=user, by=None)  # type: ignore[arg-type]

    @factory.post_generation
    def observers(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        """People who may read it without taking part."""
        for user in extracted or []:
            declaration_grant_observer(declaration=self, user=user, by=None)  # type: ignore[arg-type]

    @factory.post_generation
    def published(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        """Version 1 is published unless `published=False`; a string is its label."""
        if extracted is not False:
            label = extracted if isinstance(extracted, str) else "Draft 1"
            version_publish(declaration=self, label=label, by=None)  # type: ignore[arg-type]


class SectionFactory(factory.django.DjangoModelFactory[Section]):
    """One more section, at the end of its declaration."""

    class Meta:
        model = Section

    declaration = factory.SubFactory(DeclarationFactory)
    key = factory.Sequence(lambda n: f"extra-section-{n}")
    position = factory.LazyAttribute(lambda o: o.declaration.sections.count())
    heading = factory.LazyAttribute(lambda o: {"en": o.key.replace("-", " ").capitalize()})


class ClauseFactory(factory.django.DjangoModelFactory[Clause]):
    """One more clause at the end of a section; `texts={"en": "…", "ko": "…"}` gives its text."""

    class Meta:
        model = Clause
        skip_postgeneration_save = True

    section = factory.SubFactory(SectionFactory)
    declaration = factory.SelfAttribute("section.declaration")
    key = factory.Sequence(lambda n: f"extra-clause-{n}")
    position = factory.LazyAttribute(lambda o: o.section.clauses.count())

    @factory.post_generation
    def texts(self, create: bool, extracted: dict[str, str] | None, **kwargs: Any) -> None:
        texts = extracted if extracted is not None else {"en": f"The text of {self.key}."}
        for language, text in texts.items():
            ClauseTextFactory.create(clause=self, language=language, text=text)


class ClauseTextFactory(factory.django.DjangoModelFactory[ClauseText]):
    """A clause's text in one language."""

    class Meta:
        model = ClauseText

    clause = factory.SubFactory(ClauseFactory, texts={})
    language = "en"
    text = factory.LazyAttribute(lambda o: f"The text of {o.clause.key} in {o.language}.")
