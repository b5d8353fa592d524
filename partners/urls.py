"""Pages of the partners app, mounted under o/<org_slug>/."""

urlpatterns: list = []
