# The same steps CI runs (Makefile), in an image: Debian + Python 3.13 + Accord's pinned requirements.
FROM python:3.13-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils gettext \
    fonts-noto-core fonts-noto-cjk \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
# Static files are collected (hashed, compressed) into the image; WhiteNoise serves them.
RUN DEBUG=1 python manage.py compilemessages -v0 --ignore=.venv \
 && SECRET_KEY=build-only SITE_URL=http://build.invalid python manage.py collectstatic --no-input -v0
# var/seal and var/media belong to the app user, so new volumes mounted there do too.
RUN useradd --system --create-home accord && mkdir -p /app/var/seal /app/var/media && chown -R accord /app/var
USER accord
EXPOSE 8000
CMD ["gunicorn", "-c", "config/gunicorn.py"]
