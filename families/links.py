"""The secret of a guardian link: an HMAC of a random nonce kept on the link. The database holds
only the nonce and a hash of the secret, so a copy of the database alone opens no link, while
the email that carries it can be written again (it is composed just before sending)."""

import base64
import hashlib
import secrets

from django.utils.crypto import salted_hmac

SALT = "cocora.families.guardian_link"


def new_nonce() -> str:
    return secrets.token_hex(16)


def link_secret(nonce: str) -> str:
    """43 URL-safe characters (256 bits): far beyond guessing through a rate-limited page."""
    digest = salted_hmac(SALT, nonce, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.strip().encode()).hexdigest()
