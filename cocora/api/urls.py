"""The API: /api/v1/o/<org_slug>/… for each domain app, the schema and its interactive docs."""

from django.urls import include, path, re_path
from drf_spectacular.views import (
    SpectacularAPIView,
)

from . import views

API_ORG_PREFIX = "api/v1/o/<slug:org_slug>/"

urlpatterns = [
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script as a file: no inline script, so our CSP holds.
    path(
        "api/docs/",
        views.ApiDocsView.as_view(url_name="api-schema", template_name="api/docs.html"),
        name="api-docs",
    ),
    path(API_ORG_PREFIX, include(views.urlpatterns)),
    path(API_ORG_PREFIX, include("cocora.privacy.api")),
    # Domain apps are included by name: the core imports none of them.
    path(API_ORG_PREFIX, include("programmes.api.urls")),
    path(API_ORG_PREFIX, include("partners.api.urls")),
    path(API_ORG_PREFIX, include("ambassadors.api.urls")),
    path(API_ORG_PREFIX, include("evaluation.api.urls")),
    path(API_ORG_PREFIX, include("impact.api.urls")),
    path(API_ORG_PREFIX, include("training.api.urls")),
    path(API_ORG_PREFIX, include("families.api.urls")),
    # Last: any other path under /api/ answers the JSON 404, also while DEBUG is on and also
    # for a path without its final slash (which must not be redirected: a POST would be lost).
    re_path(r"^api/", views.api_not_found),
]
