from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "cocora.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from allauth.mfa.signals import authenticator_removed
        from django.contrib.auth.signals import user_logged_in
        from django.db.backends.signals import connection_created

        from . import checks, security_checks  # noqa: F401  (register the system checks)
        from .db import use_fast_timestamps
        from .middleware import forget_mfa_check, record_login_time

        # Connected here, not where the middleware is imported: a session can be made (a test
        # client's force_login) before the first request loads the middleware.
        user_logged_in.connect(record_login_time, dispatch_uid="cocora.core.record_login_time")
        authenticator_removed.connect(forget_mfa_check, dispatch_uid="cocora.core.forget_mfa_check")
        connection_created.connect(use_fast_timestamps, dispatch_uid="cocora.core.fast_timestamps")
