# syntax=docker/dockerfile:1
# One image for web (gunicorn), worker and beat (celery); see docker-compose.yml and
# docs/operations.md. Runtime dependencies only (requirements.txt).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=vroegsignalering.settings \
    ENVIRONMENT=production \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/app/media \
    PORT=8000

# System libraries: pango/harfbuzz and a font for WeasyPrint (the inzage report's PDF, privacy/inzage_pdf.py;
# `make pdf-deps` installs the same on a developer's Debian); psycopg[binary] brings
# its own libpq.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz-subset0 \
        fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

# Non-root user; it owns only the directories it must write to.
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --shell /usr/sbin/nologin app

WORKDIR /app

COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY --chown=root:root . .

# Static files are collected at build time and served by WhiteNoise. The key is a throwaway:
# collectstatic needs settings, never a secret, and DATABASE_URL is unset so nothing connects. Only this
# build step runs in development mode (the production guard would refuse the throwaway key).
RUN ENVIRONMENT=development SECRET_KEY=collectstatic-build-only DEBUG=0 python manage.py collectstatic --no-input \
    && mkdir -p /app/media /app/beat \
    && chown app:app /app/media /app/beat

USER app

EXPOSE 8000

CMD ["gunicorn", "--config", "gunicorn.conf.py"]
