"""The test suite. `make test` points DATABASE_URL and REDIS_URL at throwaway PostgreSQL and
Redis servers it starts itself; without them the suite falls back to SQLite."""

import os

from .base import *  # noqa: F403
from .base import COCORA_FIELD_KEYS, DATABASES, env

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The test runner migrates the throwaway PostgreSQL database once, as the owner role, before
# pytest starts; the suite then connects to that same database as the restricted role.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["TEST"] = {"NAME": DATABASES["default"]["NAME"]}

# Serve static files straight from the app folders, no collectstatic needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# On in the suite. The kept parts' data versions live in the default cache: the test services'
# Redis, shared with the Celery worker that the background tests start, or without the services
# this process's memory (tasks then run in it).
COCORA_PAGE_CACHE = env.bool("COCORA_PAGE_CACHE", default=True)

# Field encryption: DEVELOPMENT ONLY fallback, a published key that protects nothing. Used when
# COCORA_FIELD_KEYS is empty; the same key in local and test settings (see cocora.core.crypto).
if not COCORA_FIELD_KEYS:
    from cocora.core.crypto import DEVELOPMENT_KEY

    COCORA_FIELD_KEYS = [DEVELOPMENT_KEY]

# The suite and the fuzzing run send many requests with one token; the limit has its own test.
COCORA_API_RATE = "100000/min"

# A child process of a suite run on a moved clock (pytest --today: a Celery worker, a management
# command run as another database role) lives on the same day as the tests that started it.
if os.environ.get("COCORA_TEST_CLOCK_ORIGIN"):
    from cocora.testing.clock import travel_from_environment

    travel_from_environment()
