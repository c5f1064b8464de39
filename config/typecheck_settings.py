"""The settings mypy's django-stubs plugin loads: Accord's own, as a test run sees them.

Plain `mypy` then needs no environment (production settings refuse to load without SECRET_KEY).
"""

import os

os.environ.setdefault("ACCORD_TESTING", "1")

from config.settings import *  # noqa: F403
