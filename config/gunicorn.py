"""gunicorn settings for docker-compose and the production smoke: `gunicorn -c config/gunicorn.py`.

Every value can be changed from the environment; gunicorn reads WEB_CONCURRENCY itself.
"""

import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
wsgi_app = "config.wsgi:application"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 20
# Accord logs one line per request itself, with the request id (config/logging.py).
accesslog = None
errorlog = "-"
# The proxy in front sets X-Forwarded-*; trust it only from where it is (comma-separated IPs).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
