"""WSGI entry point (gunicorn config.wsgi)."""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

if not settings.DEBUG:
    # A production process starts fully configured or not at all (config/preflight.py).
    from config.preflight import exit_unless_ready

    exit_unless_ready("web")
