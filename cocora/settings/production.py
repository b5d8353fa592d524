"""Production: secrets and hosts must come from the environment."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = SECURE_SSL_REDIRECT
CSRF_COOKIE_SECURE = SECURE_SSL_REDIRECT
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# A request opened a new database connection and closed it at the end: on PostgreSQL that is a
# new server process, its sign-in and cold caches, about two thirds of /healthz's time and a
# third of the cohort page's (docs/performance.md). Connections are now kept for
# DATABASE_CONN_MAX_AGE seconds (0: one per request), checked before reuse. The organisation
# and the user are set per transaction (docs/tenancy.md), so nothing carries over. The pool
# (DATABASE_POOL=true) is the other way to reuse connections; Django allows one of the two.
_database = DATABASES["default"]  # noqa: F405
if _database["ENGINE"] == "django.db.backends.postgresql" and not _database.get("OPTIONS", {}).get(
    "pool"
):
    # A conn_max_age in DATABASE_URL is kept as it is.
    _database.setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
    _database["CONN_HEALTH_CHECKS"] = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# ---------------------------------------------------------------------------------------------
# Field encryption: required, no default. Comma-separated Fernet keys, newest first (see
# cocora/core/crypto.py); the start-up check cocora.E001 refuses keys that cannot read the data.
COCORA_FIELD_KEYS = env.list("COCORA_FIELD_KEYS")

# ---------------------------------------------------------------------------------------------
# Sessions, MFA and headers (see docs/security.md).
# Admins and coordinators must use an authenticator app. COCORA_MFA_REQUIRED_ROLES= (empty) turns
# the requirement off, for a demonstration only: `check --deploy` then warns.
COCORA_MFA_REQUIRED_ROLES = env.list("COCORA_MFA_REQUIRED_ROLES", default=["admin", "coordinator"])
# HSTS is sent once DJANGO_SECURE_HSTS_SECONDS is set (above; one year: 31536000), for the host
# and its subdomains. Preloading commits the whole registrable domain to HTTPS for months: that is
# the domain owner's decision (DJANGO_SECURE_HSTS_PRELOAD=true), so its warning is silenced.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)
SILENCED_SYSTEM_CHECKS = ["security.W021"]
# Login rate limits count client addresses. Behind the reverse proxy that terminates TLS, the
# client is the last address the proxy adds to X-Forwarded-For; set 0 when there is no proxy.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("COCORA_TRUSTED_PROXY_COUNT", default=1)
