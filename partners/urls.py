"""Pages of the partners app, mounted under o/<org_slug>/ (and so swept by the isolation test).
Every id parameter has its own name, taught to the sweep in partners/tests/makers.py."""

from django.urls import path

from .views import collaboration, disclosures, partners, proposals

urlpatterns = [
    # The directory.
    path("partners/", partners.PartnerListView.as_view(), name="partner_list"),
    path("partners/new/", partners.PartnerCreateView.as_view(), name="partner_create"),
    path("partners/<int:partner_id>/", partners.PartnerDetailView.as_view(), name="partner_detail"),
    path(
        "partners/<int:partner_id>/edit/", partners.PartnerEditView.as_view(), name="partner_edit"
    ),
    path(
        "partners/<int:partner_id>/contacts/new/",
        partners.ContactCreateView.as_view(),
        name="partner_contact_create",
    ),
    path(
        "partner-contacts/<int:contact_id>/edit/",
        partners.ContactEditView.as_view(),
        name="partner_contact_edit",
    ),
    path(
        "partner-contacts/<int:contact_id>/remove/",
        partners.ContactDeleteView.as_view(),
        name="partner_contact_delete",
    ),
    # Agreements and their sharing matrix.
    path(
        "partners/<int:partner_id>/agreement/",
        partners.AgreementEditView.as_view(),
        name="agreement_edit",
    ),
    path(
        "agreements/<int:agreement_id>/print/",
        partners.AgreementPrintView.as_view(),
        name="agreement_print",
    ),
    # Integrity checks.
    path(
        "partners/<int:partner_id>/checks/new/",
        partners.IntegrityCheckCreateView.as_view(),
        name="integrity_check_create",
    ),
    path(
        "integrity-checks/<int:check_id>/",
        partners.IntegrityCheckDetailView.as_view(),
        name="integrity_check_detail",
    ),
    path(
        "integrity-checks/<int:check_id>/informed/",
        partners.IntegrityCheckInformedView.as_view(),
        name="integrity_check_informed",
    ),
    # Disclosures and consents to share, reached from a participant's page.
    path(
        "participants/<int:participant_id>/share/",
        disclosures.DisclosureCreateView.as_view(),
        name="disclosure_create",
    ),
    path(
        "disclosures/<int:disclosure_id>/",
        disclosures.DisclosureDetailView.as_view(),
        name="disclosure_detail",
    ),
    path(
        "participants/<int:participant_id>/sharing-consents/new/",
        disclosures.SharingConsentCreateView.as_view(),
        name="sharing_consent_create",
    ),
    path(
        "sharing-consents/<int:sharing_consent_id>/withdraw/",
        disclosures.SharingConsentWithdrawView.as_view(),
        name="sharing_consent_withdraw",
    ),
    # The Collaborative Programme.
    path(
        "collaboration/", collaboration.CollaborationListView.as_view(), name="collaboration_list"
    ),
    path(
        "collaboration/new/",
        collaboration.CollaborationCreateView.as_view(),
        name="collaboration_create",
    ),
    path(
        "collaboration/<int:collaboration_id>/",
        collaboration.CollaborationDetailView.as_view(),
        name="collaboration_detail",
    ),
    path(
        "collaboration/<int:collaboration_id>/edit/",
        collaboration.CollaborationEditView.as_view(),
        name="collaboration_edit",
    ),
    path(
        "collaboration/<int:collaboration_id>/follow-ups/new/",
        collaboration.FollowUpCreateView.as_view(),
        name="follow_up_create",
    ),
    path(
        "follow-ups/<int:follow_up_id>/done/",
        collaboration.FollowUpDoneView.as_view(),
        name="follow_up_done",
    ),
    # A partner contact's own page.
    path("partnership/", collaboration.PartnerPortalView.as_view(), name="partner_portal"),
    # Partners' proposals: partner contacts propose, coordinators decide, both comment.
    path("proposals/", proposals.ProposalListView.as_view(), name="proposal_list"),
    path(
        "proposals/new/activity/",
        proposals.ProposeActivityView.as_view(),
        name="proposal_create_activity",
    ),
    path(
        "proposals/new/follow-up/",
        proposals.ProposeFollowUpView.as_view(),
        name="proposal_create_follow_up",
    ),
    path(
        "proposals/curriculum/",
        proposals.CurriculumPickView.as_view(),
        name="proposal_curriculum",
    ),
    path(
        "proposals/curriculum/modules/<int:module_id>/",
        proposals.ProposeCurriculumView.as_view(),
        name="proposal_create_module",
    ),
    path(
        "proposals/curriculum/activities/<int:activity_id>/",
        proposals.ProposeActivityChangeView.as_view(),
        name="proposal_create_curriculum_activity",
    ),
    path(
        "proposals/<int:proposal_id>/",
        proposals.ProposalDetailView.as_view(),
        name="proposal_detail",
    ),
    path(
        "proposals/<int:proposal_id>/comments/",
        proposals.ProposalCommentView.as_view(),
        name="proposal_comment",
    ),
    path(
        "proposals/<int:proposal_id>/accept/",
        proposals.ProposalAcceptView.as_view(),
        name="proposal_accept",
    ),
    path(
        "proposals/<int:proposal_id>/decline/",
        proposals.ProposalDeclineView.as_view(),
        name="proposal_decline",
    ),
]
