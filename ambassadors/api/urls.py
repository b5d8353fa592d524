"""The ambassadors app's API, under /api/v1/o/<org_slug>/."""

urlpatterns: list = []
