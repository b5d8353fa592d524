"""What the families app exports and removes for a participant: their guardian's invitations
and links. Family activities name nobody. Discovered by `PrivacyConfig.ready`."""

from django.utils.translation import gettext_lazy as _

from cocora.privacy.registry import register

from .services import family_records_erase, family_records_export

register(
    "families",
    subject_export=family_records_export,
    subject_erase=family_records_erase,
    count_labels={
        "guardian_links_deleted": _("guardian links deleted"),
        "guardian_invitations_deleted": _("guardian invitations deleted"),
    },
)
