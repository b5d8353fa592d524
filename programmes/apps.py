from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = _("Programmes")

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        # Apps built on programmes add panels to a participant's page (see panels.py).
        autodiscover_modules("participant_panels")
