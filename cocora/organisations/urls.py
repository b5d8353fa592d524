from django.urls import path

from . import views

# Mounted under o/<slug:org_slug>/ by cocora/urls.py.
org_urlpatterns = [
    path("", views.OrgHomeView.as_view(), name="org_home"),
    path("members/", views.MemberListView.as_view(), name="member_list"),
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
