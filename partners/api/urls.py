"""The partners app's API, under /api/v1/o/<org_slug>/: the directory (partners, agreements,
integrity checks), the Collaborative Programme (activities, follow-ups) and disclosures. Staff
only, like the pages; partner contacts use their portal page."""

from . import collaboration, directory, disclosures

urlpatterns = [
    *directory.urlpatterns,
    *collaboration.urlpatterns,
    *disclosures.urlpatterns,
]
