from django.urls import path

from . import views, views_search, views_settings

# Mounted under o/<slug:org_slug>/ by cocora/urls.py.
org_urlpatterns = [
    path("", views.OrgHomeView.as_view(), name="org_home"),
    path("members/", views.MemberListView.as_view(), name="member_list"),
    path("search/", views_search.SearchView.as_view(), name="search"),
    path(
        "settings/", views_settings.OrganisationSettingsView.as_view(), name="organisation_settings"
    ),
    path("logo/", views_settings.OrganisationLogoView.as_view(), name="organisation_logo"),
    path("members/invite/", views.InvitationCreateView.as_view(), name="invitation_create"),
    path(
        "members/<int:membership_id>/role/",
        views.MembershipRoleView.as_view(),
        name="membership_role",
    ),
    path(
        "members/<int:membership_id>/remove/",
        views.MembershipRemoveView.as_view(),
        name="membership_remove",
    ),
    path(
        "invitations/<int:invitation_id>/revoke/",
        views.InvitationRevokeView.as_view(),
        name="invitation_revoke",
    ),
]
