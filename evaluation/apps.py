from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = _("Evaluation")

    def ready(self) -> None:
        from programmes import consent_hooks

        from . import session_panels  # noqa: F401  (registers the session page's panel)
        from .services.responses import responses_remove_for_consent

        # Withdrawing evaluation consent removes the person's answers at once; programmes
        # cannot import this app, so it calls what the apps built on it register.
        consent_hooks.register(responses_remove_for_consent)
