"""Production settings, except the storage that collects static files (see benchmarks/staticfiles.py)."""

from config.settings import *  # noqa: F403
from config.settings import STORAGES

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "benchmarks.staticfiles.ManifestWithoutSourceMaps"}}
