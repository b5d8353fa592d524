"""Models of the core app: platform-wide rows that belong to no organisation."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .fields import EncryptedTextField

CANARY_PLAINTEXT = "cocora field encryption canary v1"


class EncryptionCanary(models.Model):
    """A known text stored encrypted, one row for the whole platform. The start-up check
    decrypts it: if the configured keys cannot, the application refuses to start instead of
    failing on the first confidential note it reads. Not a tenant table: it holds no one's data."""

    SINGLETON_PK = 1

    value = EncryptedTextField(_("value"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("encryption canary")
        verbose_name_plural = _("encryption canaries")

    def __str__(self) -> str:
        return "encryption canary"
