"""Two-factor secrets at rest: allauth stores the TOTP secret and the recovery-code seed through
its adapter's `encrypt`/`decrypt` hooks. Ours use the same MultiFernet as the encrypted model
fields, so `rotate_keys` re-encrypts them with everything else and a wrong key fails the same
start-up check."""

from allauth.mfa.adapter import DefaultMFAAdapter

from . import crypto


class MFAAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        return crypto.encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        # Raises DecryptionError rather than handing back a token as if it were the secret.
        return crypto.decrypt(encrypted_text)
