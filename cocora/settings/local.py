"""Local development: the embedded default behind `make run`."""

from .base import *  # noqa: F403
from .base import COCORA_FIELD_KEYS, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)

# Serve static files straight from the app folders, no collectstatic needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# One process (tasks run in it too), so the kept parts' data versions may live in its memory.
COCORA_PAGE_CACHE = env.bool("COCORA_PAGE_CACHE", default=True)

# Field encryption: DEVELOPMENT ONLY fallback, a published key that protects nothing. Used when
# COCORA_FIELD_KEYS is empty; the same key in local and test settings (see cocora.core.crypto).
if not COCORA_FIELD_KEYS:
    from cocora.core.crypto import DEVELOPMENT_KEY

    COCORA_FIELD_KEYS = [DEVELOPMENT_KEY]
