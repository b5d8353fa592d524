from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("Trainers' training")

    def ready(self) -> None:
        # The warning on a cohort's pages about trainers without the required training: a
        # panel that programmes renders without importing this app.
        from . import cohort_panels  # noqa: F401
