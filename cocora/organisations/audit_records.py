"""How the audit trail names and links the organisation's own records."""

from django.urls import reverse

from cocora.audit.records import RecordKind, register_record


def _members(org_slug: str, record: object) -> str:
    return reverse("member_list", kwargs={"org_slug": org_slug})


register_record(
    "organisations.membership",
    RecordKind(
        related=("user",),
        label=lambda membership: f"{membership.user} ({membership.get_role_display()})",
        url=_members,
        permission="members.view",
    ),
)
register_record(
    "organisations.invitation",
    RecordKind(url=_members, permission="members.view"),
)
register_record(
    "organisations.organisation",
    RecordKind(
        url=lambda org_slug, record: reverse(
            "organisation_settings", kwargs={"org_slug": org_slug}
        ),
        permission="organisation.manage",
    ),
)
