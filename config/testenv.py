"""pytest plugin loaded before Django's settings: marks the process as a test run."""

import os

os.environ.setdefault("ACCORD_TESTING", "1")
# Playwright drives Chromium from a thread next to pytest-django's live server.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
