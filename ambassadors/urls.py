"""Pages of the ambassadors app, mounted under o/<org_slug>/."""

urlpatterns: list = []
