"""The families app's API, under /api/v1/o/<org_slug>/."""

from .views import urlpatterns

__all__ = ["urlpatterns"]
