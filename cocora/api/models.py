"""Personal access tokens: how scripts and other systems use the API as a person, in one
organisation. Only a hash of each token is stored; the token itself is shown once."""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cocora.organisations.models import OrgScopedModel

TOKEN_HASH_SETTING = "cocora.token_hash"  # noqa: S105 (a setting name)


class ApiToken(OrgScopedModel):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    # The first characters of the token, so that a person can tell their tokens apart.
    prefix = models.CharField(_("prefix"), max_length=16, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    read_only = models.BooleanField(
        _("read only"), default=False, help_text=_("The token may read, never change anything.")
    )
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    # A request carrying a token may find that one row before any organisation is known: the
    # authentication step sets the hash of the presented token for its transaction.
    rls_extra_condition = f"key_hash = NULLIF(current_setting('{TOKEN_HASH_SETTING}', true), '')"

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        indexes = [models.Index(fields=["organisation", "user"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > now
