"""Global URL patterns of the programmes app: the personal calendar feed, found by its secret
token rather than by organisation."""

from django.urls import include, path

urlpatterns = [
    path("", include("programmes.urls_feed")),
]
