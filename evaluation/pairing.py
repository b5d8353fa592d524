"""The evaluation's secrets, all derived with one key from settings (COCORA_EVALUATION_KEY).

- A pairing key per enrolment: an HMAC, so that the baseline and end answers of one person pair
  up while the response names nobody. Staff cannot turn a key back into a person; the platform
  can recompute a person's keys (to remove their answers when consent is withdrawn).
- A survey link's secret: an HMAC of a random nonce kept on the link. The database holds only
  the nonce and a hash of the secret, so a copy of the database alone opens no link, while the
  trainer's printable list can be produced again at any time.
"""

import hashlib
import hmac
import secrets

from django.conf import settings
from django.utils.crypto import salted_hmac

# Letters and digits that cannot be mistaken for one another when typed from paper.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12  # 60 bits: far beyond guessing through a rate-limited page.


def _key() -> bytes:
    configured = getattr(settings, "COCORA_EVALUATION_KEY", "")
    if configured:
        return str(configured).encode()
    return salted_hmac("cocora.evaluation", "key").digest()


def pairing_key(*, organisation_id: int, enrolment_id: int) -> str:
    message = f"pair:{organisation_id}:{enrolment_id}".encode()
    return hmac.new(_key(), message, hashlib.sha256).hexdigest()


def new_nonce() -> str:
    return secrets.token_hex(16)


def link_secret(nonce: str) -> str:
    """The code on the printed list and in the link, e.g. "K7QM-4TZP-9WXE"."""
    digest = hmac.new(_key(), f"link:{nonce}".encode(), hashlib.sha256).digest()
    letters = "".join(CODE_ALPHABET[byte % len(CODE_ALPHABET)] for byte in digest[:CODE_LENGTH])
    return "-".join(letters[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def normalise_code(code: str) -> str:
    """What a person typed, in the printed form: case and separators do not matter."""
    letters = "".join(ch for ch in code.upper() if ch.isalnum())[:CODE_LENGTH]
    return "-".join(letters[i : i + 4] for i in range(0, len(letters), 4))


def secret_hash(secret: str) -> str:
    return hashlib.sha256(normalise_code(secret).encode()).hexdigest()
