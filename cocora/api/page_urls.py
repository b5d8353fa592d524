from django.urls import path

from . import pages

# Mounted under o/<slug:org_slug>/ by cocora/urls.py.
urlpatterns = [
    path("api-tokens/", pages.ApiTokenListView.as_view(), name="api_token_list"),
    path(
        "api-tokens/<int:token_id>/revoke/",
        pages.ApiTokenRevokeView.as_view(),
        name="api_token_revoke",
    ),
    path(
        "members/<int:membership_id>/api-tokens/",
        pages.MemberApiTokensView.as_view(),
        name="member_api_tokens",
    ),
]
