"""The ambassadors app's API, under /api/v1/o/<org_slug>/."""

from . import ambassadors, insights, tasks

urlpatterns = [
    # Fixed paths under ambassadors/ (caps/, tasks/, insights/, …) before ambassadors/<id>/.
    *tasks.urlpatterns,
    *insights.urlpatterns,
    *ambassadors.urlpatterns,
]
