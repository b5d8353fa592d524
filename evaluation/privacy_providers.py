"""What the evaluation removes when a participant's data is erased: every response of theirs
(found through their pairing keys) and their unused links. Nothing goes into a person's export:
staff read it, and answers are anonymous to staff. Discovered by `PrivacyConfig.ready`."""

from django.utils.translation import gettext_lazy as _

from cocora.privacy.registry import register

from .services.responses import responses_erase

register(
    "evaluation",
    subject_erase=responses_erase,
    count_labels={"evaluation_responses_deleted": _("questionnaire responses deleted")},
)
