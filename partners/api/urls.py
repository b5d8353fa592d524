"""The partners app's API, under /api/v1/o/<org_slug>/: the directory (partners, agreements,
integrity checks), the Collaborative Programme (activities, follow-ups) and disclosures, staff
only like the pages; and partners' proposals, where partner contacts propose and comment."""

from . import collaboration, directory, disclosures, proposals

urlpatterns = [
    *directory.urlpatterns,
    *collaboration.urlpatterns,
    *disclosures.urlpatterns,
    *proposals.urlpatterns,
]
