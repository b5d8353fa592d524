"""What the evaluation removes when a participant's data is erased: every response of theirs
(found through their pairing keys) and their unused links. Nothing goes into a person's export:
staff read it, and answers are anonymous to staff. Discovered by `PrivacyConfig.ready`."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cocora.organisations.models import Organisation
from cocora.privacy.registry import register
from cocora.privacy.transparency import KeptItem
from cocora.privacy.transparency import register as register_facts

from .services.responses import responses_erase

register(
    "evaluation",
    subject_erase=responses_erase,
    count_labels={"evaluation_responses_deleted": _("questionnaire responses deleted")},
)


def kept_for_evaluation(*, organisation: Organisation) -> list[KeptItem]:
    """What the evaluation keeps about a young person, for the transparency page and the
    consent form. Not covered by a retention period: deleted when the consent is withdrawn or
    the person erased. No query."""
    return [
        KeptItem(
            gettext(
                "If you agree to evaluation surveys: your answers, under a code that our staff "
                "cannot trace back to you. Staff only see answers pooled together."
            ),
            record_type="",
            only_with_consent=True,
        )
    ]


register_facts("evaluation", kept=kept_for_evaluation)
