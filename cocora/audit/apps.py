from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "cocora.audit"
    label = "audit"
    verbose_name = _("Audit")

    def ready(self) -> None:
        # Recording sign-ins is infrastructure, not business logic: the signals are the only
        # place where every way of signing in passes.
        from . import signals  # noqa: F401
