"""Static files storage for production: Django's manifest storage, with each URL worked out once.

ManifestStaticFilesStorage.url() looks the hashed name up and joins the URL on every call, i.e.
several times on every page. The manifest is read once when the process starts and never changes
while it runs, so the answer for a name never changes either.
"""

from __future__ import annotations

from django.contrib.staticfiles.storage import ManifestStaticFilesStorage


class ManifestStaticStorage(ManifestStaticFilesStorage):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._urls: dict[str, str] = {}

    def url(self, name: str | None, force: bool = False) -> str:
        if force or name is None:
            return super().url(name, force)  # type: ignore[arg-type]
        url = self._urls.get(name)
        if url is None:
            url = self._urls[name] = super().url(name)
        return url
