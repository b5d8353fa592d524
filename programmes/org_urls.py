"""Pages of the programmes app, mounted under o/<org_slug>/ (and so swept by the isolation test).
Each area has its own module."""

from django.urls import include, path

urlpatterns = [
    path("", include("programmes.urls_cohorts")),
    path("", include("programmes.urls_curriculum")),
    path("", include("programmes.urls_io")),
    path("", include("programmes.urls_calendar")),
    path("", include("programmes.urls_handbooks")),
    path("", include("programmes.urls_privacy")),
]
