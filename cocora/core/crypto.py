"""Field encryption: one MultiFernet built from the keys in COCORA_FIELD_KEYS.

COCORA_FIELD_KEYS is a comma-separated list of Fernet keys (32 url-safe base64-encoded bytes, as
`Fernet.generate_key()` makes them), newest first. New values are always encrypted with the first
key; a stored value is readable with any key in the list, so a new key can be put in front, the
rows re-encrypted with `manage.py rotate_keys`, and only then the old key dropped. The keys are
their own secret, never derived from SECRET_KEY: rotating one must not touch the other.

Stored values are versioned, `enc1:<fernet token>`. A value that no configured key can decrypt
raises DecryptionError: ciphertext is never handed back as if it were the value.
"""

import functools
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "enc1:"
SETTING = "COCORA_FIELD_KEYS"

# DEVELOPMENT ONLY. A published key protects nothing: local.py and test.py fall back to it when
# COCORA_FIELD_KEYS is empty, the same one in both so that a local database stays readable under
# either. production.py never uses it, and `check --deploy` refuses it.
DEVELOPMENT_KEY = "eHkeHFz-8Mov9L6pXzkHumr3eJeeRcewH347Ycx-zvA="


class FieldKeysError(ImproperlyConfigured):
    """COCORA_FIELD_KEYS is missing or holds something that is not a Fernet key."""


class DecryptionError(Exception):
    """A stored value is not an encrypted value, or no configured key can decrypt it."""


def configured_keys() -> tuple[str, ...]:
    """The keys from settings, newest first, without blanks."""
    raw = getattr(settings, SETTING, None) or ()
    if isinstance(raw, str):
        raw = raw.split(",")
    return tuple(key.strip() for key in raw if key and key.strip())


def key_fingerprint(key: str) -> str:
    """A short, non-secret name for a key, for reports and error messages."""
    return hashlib.sha256(key.encode()).hexdigest()[:8]


@functools.lru_cache(maxsize=8)
def _fernets_for(keys: tuple[str, ...]) -> tuple[Fernet, ...]:
    if not keys:
        raise FieldKeysError(
            f"{SETTING} is empty: set it to one or more Fernet keys, newest first, separated by "
            'commas. Make one with: python -c "from cryptography.fernet import Fernet; '
            'print(Fernet.generate_key().decode())"'
        )
    fernets = []
    for position, key in enumerate(keys, start=1):
        try:
            fernets.append(Fernet(key))
        except (ValueError, TypeError):
            # The key itself stays out of the message: it may be a real key with a typo.
            raise FieldKeysError(
                f"{SETTING}: key number {position} is not a Fernet key (32 url-safe "
                "base64-encoded bytes)."
            ) from None
    return tuple(fernets)


def fernets() -> tuple[Fernet, ...]:
    """One Fernet per configured key, newest first. Raises FieldKeysError when misconfigured."""
    return _fernets_for(configured_keys())


def _multi() -> MultiFernet:
    return MultiFernet(list(fernets()))


def is_encrypted(value: str) -> bool:
    return value.startswith(PREFIX)


def encrypt(plaintext: str) -> str:
    """Encrypts with the primary (first) key and returns the versioned token."""
    token = _multi().encrypt(plaintext.encode("utf-8"))
    return PREFIX + token.decode("ascii")


def decrypt(stored: str) -> str:
    """The plaintext of a versioned token, decrypted with whichever configured key fits."""
    if not is_encrypted(stored):
        raise DecryptionError(
            "The stored value is not an encrypted value (it lacks the 'enc1:' prefix)."
        )
    try:
        return _multi().decrypt(stored[len(PREFIX) :].encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError):
        raise DecryptionError(
            f"A stored value could not be decrypted with any key in {SETTING}. The key that "
            "encrypted it is missing from the setting, or the value is damaged."
        ) from None


def key_index(stored: str) -> int | None:
    """Which configured key (0 = primary) decrypts a token; None when none does."""
    if not is_encrypted(stored):
        return None
    token = stored[len(PREFIX) :].encode("ascii")
    for index, fernet in enumerate(fernets()):
        try:
            fernet.decrypt(token)
        except InvalidToken:
            continue
        return index
    return None


def rotate(stored: str) -> str:
    """The same plaintext, re-encrypted with the primary key."""
    if not is_encrypted(stored):
        raise DecryptionError(
            "The stored value is not an encrypted value (it lacks the 'enc1:' prefix)."
        )
    try:
        token = _multi().rotate(stored[len(PREFIX) :].encode("ascii"))
    except InvalidToken:
        raise DecryptionError(
            f"A stored value could not be decrypted with any key in {SETTING}."
        ) from None
    return PREFIX + token.decode("ascii")
