from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "cocora.audit"
    label = "audit"
    verbose_name = _("Audit")

    def ready(self) -> None:
        # Recording sign-ins is infrastructure, not business logic: the signals are the only
        # place where every way of signing in passes.
        from django.utils.module_loading import autodiscover_modules

        from . import signals  # noqa: F401

        # Each domain app names its own records on audit pages (cocora imports no domain app).
        autodiscover_modules("audit_records")
