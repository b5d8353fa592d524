# Cocora application image: web (gunicorn), Celery worker and beat all run from it.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    # Always import the project from /app, also from the celery and gunicorn entry points.
    PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=cocora.settings.production

# WeasyPrint needs Pango and HarfBuzz (no Cairo since WeasyPrint 53+) and at least one font;
# gettext provides msgfmt for compilemessages.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz0b \
        libharfbuzz-subset0 \
        fonts-dejavu-core \
        gettext \
    && rm -rf /var/lib/apt/lists/*

# Unprivileged runtime user. Its home holds the fontconfig cache.
RUN groupadd --system cocora \
    && useradd --system --gid cocora --create-home --home-dir /home/cocora --shell /usr/sbin/nologin cocora

WORKDIR /app

# Dependencies first, so that this layer is reused while only the code changes.
# pyproject.toml references README.md, so both are needed to build the metadata.
COPY pyproject.toml README.md ./
RUN pip install . \
    && rm -rf build *.egg-info

# The project itself (see .dockerignore for what stays out).
COPY . .
RUN pip install --no-deps . \
    && rm -rf build *.egg-info

# Static files and translations are built into the image. The secret key, host list and keys on
# this line exist only for these two commands and are not kept in the image.
# compilemessages refuses to run when no locale directory exists at all, hence the mkdir.
RUN export DJANGO_SECRET_KEY=build-only-dummy-secret-key-not-used-at-runtime-0123456789 \
        DJANGO_ALLOWED_HOSTS=localhost \
        COCORA_FIELD_KEYS=build-only \
    && python manage.py collectstatic --noinput \
    && mkdir -p locale \
    && python manage.py compilemessages

# The code stays owned by root (read-only for the app); only var/ is writable.
# The media volume is mounted at /app/var/media and takes this ownership when first created.
RUN mkdir -p /app/var/media \
    && chown -R cocora:cocora /app/var

USER cocora

EXPOSE 8000

CMD ["gunicorn", "cocora.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
