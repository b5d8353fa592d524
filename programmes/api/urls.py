"""The programmes app's API, under /api/v1/o/<org_slug>/."""

from . import cohorts, curriculum, handbooks, participants, sessions

urlpatterns = [
    *curriculum.urlpatterns,
    *cohorts.urlpatterns,
    *sessions.urlpatterns,
    *participants.urlpatterns,
    *handbooks.urlpatterns,
]
