"""Pages of the ambassadors app, mounted under o/<org_slug>/ (and so swept by the isolation
test). Coordinators work under ambassadors/, an ambassador's own pages are under my-tasks/."""

from django.urls import path

from .views import home, insights, roster, tasks

urlpatterns = [
    path("ambassadors/", roster.RosterView.as_view(), name="ambassador_roster"),
    path("ambassadors/caps/", roster.SettingsView.as_view(), name="ambassador_settings"),
    path(
        "ambassadors/start/<int:participant_id>/",
        roster.PromoteView.as_view(),
        name="ambassador_promote",
    ),
    path(
        "ambassadors/<int:ambassador_id>/",
        roster.AmbassadorDetailView.as_view(),
        name="ambassador_detail",
    ),
    path(
        "ambassadors/<int:ambassador_id>/status/",
        roster.AmbassadorStatusView.as_view(),
        name="ambassador_status",
    ),
    path(
        "ambassadors/<int:ambassador_id>/caps/",
        roster.AmbassadorCapsView.as_view(),
        name="ambassador_caps",
    ),
    path(
        "ambassadors/<int:ambassador_id>/check-ins/new/",
        roster.CheckInCreateView.as_view(),
        name="checkin_create",
    ),
    path(
        "ambassadors/debriefs/<int:debrief_id>/",
        roster.DebriefRecordView.as_view(),
        name="debrief_record",
    ),
    path("ambassadors/tasks/", tasks.TaskBoardView.as_view(), name="outreach_task_board"),
    path("ambassadors/tasks/new/", tasks.TaskCreateView.as_view(), name="outreach_task_create"),
    path(
        "ambassadors/tasks/<int:task_id>/",
        tasks.TaskDetailView.as_view(),
        name="outreach_task_detail",
    ),
    path(
        "ambassadors/tasks/<int:task_id>/action/",
        tasks.TaskActionView.as_view(),
        name="outreach_task_action",
    ),
    path("ambassadors/insights/", insights.InsightListView.as_view(), name="peer_insight_list"),
    path(
        "ambassadors/insights/<int:insight_id>/",
        insights.InsightReviewView.as_view(),
        name="peer_insight_review",
    ),
    path("my-tasks/", home.AmbassadorHomeView.as_view(), name="ambassador_home"),
    path("my-tasks/propose/", home.TaskProposeView.as_view(), name="outreach_task_propose"),
    path("my-tasks/insights/", home.MyInsightsView.as_view(), name="my_insights"),
]
