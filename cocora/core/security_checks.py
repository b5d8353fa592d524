"""System checks of the session, MFA and cache settings (`manage.py check`, `check --deploy`)."""

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

LOCAL_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@register(Tags.security)
def check_mfa_roles(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    from cocora.organisations.models import Role

    unknown = sorted(set(settings.COCORA_MFA_REQUIRED_ROLES) - set(Role.values))
    if unknown:
        # A misspelt role would silently leave that role without two-factor authentication.
        return [
            Error(
                f"COCORA_MFA_REQUIRED_ROLES names unknown roles: {', '.join(unknown)}.",
                hint=f"Use some of: {', '.join(Role.values)}.",
                id="cocora.E101",
            )
        ]
    return []


@register(Tags.security, Tags.caches, deploy=True)
def check_deployment_security(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    warnings = []
    if settings.CACHES["default"]["BACKEND"] in LOCAL_CACHES:
        warnings.append(
            Warning(
                "The default cache is local to each process, so login rate limits are counted "
                "per process and an attacker gets as many attempts as there are processes.",
                hint="Set REDIS_URL so that every process shares one cache.",
                id="cocora.W101",
            )
        )
    if not settings.COCORA_MFA_REQUIRED_ROLES:
        warnings.append(
            Warning(
                "Two-factor authentication is not required for any role.",
                hint="Set COCORA_MFA_REQUIRED_ROLES=admin,coordinator (the production default).",
                id="cocora.W102",
            )
        )
    return warnings
