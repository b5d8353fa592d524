from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "cocora.privacy"
    label = "privacy"
    verbose_name = _("Data protection")

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        # Each app's privacy_providers.py registers what it holds about people (see registry).
        autodiscover_modules("privacy_providers")
