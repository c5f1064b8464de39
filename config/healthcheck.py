"""Container health check of the web service: `python -m config.healthcheck` (standard library only).

Asks this container's gunicorn for /healthz/ with a Host header Django allows (the first of
ALLOWED_HOSTS, else SITE_URL's host), so it works whatever name the site has. Exit 0 when healthy.
"""

from __future__ import annotations

import os
import sys
import urllib.request
from urllib.parse import urlsplit


def main() -> int:
    hosts = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip() and "*" not in h]
    host = hosts[0] if hosts else (urlsplit(os.environ.get("SITE_URL", "")).hostname or "localhost")
    port = os.environ.get("PORT", "8000")
    request = urllib.request.Request(f"http://127.0.0.1:{port}/healthz/", headers={"Host": host.lstrip(".")})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - loopback
            return 0 if response.status == 200 else 1
    except OSError as exc:
        print(f"unhealthy: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
