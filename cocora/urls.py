from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from cocora.accounts import views as account_views
from cocora.core.health import healthz
from cocora.organisations import views as organisation_views
from cocora.organisations.urls import org_urlpatterns

admin.site.site_header = "Cocora platform administration"
# The admin signs in through allauth: the same rate limits and two-factor step as everyone.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

# Every page of an organisation lives under o/<org_slug>/; the isolation sweep in
# tests/test_isolation.py requests every pattern below this prefix as an outsider.
ORG_PREFIX = "o/<slug:org_slug>/"

urlpatterns = [
    path("", organisation_views.HomeView.as_view(), name="home"),
    path("healthz", healthz, name="healthz"),
    path("i18n/setlang/", account_views.set_language, name="set_language"),
    path("accounts/", include("allauth.urls")),
    path("profile/", account_views.ProfileView.as_view(), name="profile"),
    path(
        "invitations/<str:token>/",
        organisation_views.InvitationAcceptView.as_view(),
        name="invitation_accept",
    ),
    path("admin/", admin.site.urls),
    path(ORG_PREFIX, include(org_urlpatterns)),
    path(ORG_PREFIX, include("cocora.privacy.urls")),
    path(ORG_PREFIX, include("cocora.audit.urls")),
    path(ORG_PREFIX, include("cocora.notifications.org_urls")),
    path(ORG_PREFIX, include("cocora.api.page_urls")),
    path("", include("cocora.notifications.urls")),
    # Domain apps are included by name: the core imports none of them.
    path(ORG_PREFIX, include("programmes.org_urls")),
    path(ORG_PREFIX, include("partners.urls")),
    path(ORG_PREFIX, include("ambassadors.urls")),
    path(ORG_PREFIX, include("evaluation.urls")),
    path(ORG_PREFIX, include("impact.urls")),
    path(ORG_PREFIX, include("training.urls")),
    path(ORG_PREFIX, include("families.urls")),
    path("", include("programmes.urls")),
    path("", include("cocora.api.urls")),
]

# Under /api/ even a path that no view answers gets the API's JSON error shape.
handler404 = "cocora.api.exceptions.page_not_found"
handler500 = "cocora.api.exceptions.server_error"
