"""Pages of the families app, mounted under o/<org_slug>/ (and so swept by the isolation test).
family/<guardian_token>/ is the guardians' side: no login, found by the secret in their link."""

from django.urls import path

from . import views

urlpatterns = [
    path("families/", views.ActivityListView.as_view(), name="family_activity_list"),
    path("families/new/", views.ActivityCreateView.as_view(), name="family_activity_create"),
    path(
        "families/<int:family_activity_id>/",
        views.ActivityDetailView.as_view(),
        name="family_activity_detail",
    ),
    path(
        "families/<int:family_activity_id>/edit/",
        views.ActivityEditView.as_view(),
        name="family_activity_edit",
    ),
    path(
        "families/<int:family_activity_id>/counts/",
        views.CountsView.as_view(),
        name="family_activity_counts",
    ),
    path(
        "families/<int:family_activity_id>/invite/",
        views.InviteView.as_view(),
        name="family_activity_invite",
    ),
    path(
        "families/cohorts/<int:cohort_id>/guardians/",
        views.GuardianLinksView.as_view(),
        name="guardian_links",
    ),
    path(
        "families/guardians/<int:participant_id>/send-link/",
        views.GuardianLinkSendView.as_view(),
        name="guardian_link_send",
    ),
    path(
        "families/links/<int:guardian_link_id>/revoke/",
        views.GuardianLinkRevokeView.as_view(),
        name="guardian_link_revoke",
    ),
    path("family/<str:guardian_token>/", views.GuardianPageView.as_view(), name="guardian_page"),
    path(
        "family/<str:guardian_token>/consents/<int:consent_id>/withdraw/",
        views.GuardianWithdrawView.as_view(),
        name="guardian_consent_withdraw",
    ),
]
