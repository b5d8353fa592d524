"""Pages of the evaluation app, mounted under o/<org_slug>/ (and so swept by the isolation test).
survey/ is the young people's side and needs no login: it is found by a one-time code."""

from django.urls import path

from .views import public, staff

urlpatterns = [
    path("evaluation/", staff.EvaluationHomeView.as_view(), name="evaluation_home"),
    path(
        "evaluation/questionnaires/<int:instrument_id>/",
        staff.InstrumentDetailView.as_view(),
        name="evaluation_instrument",
    ),
    path(
        "evaluation/questions/<int:item_id>/",
        staff.ItemEditView.as_view(),
        name="evaluation_item_edit",
    ),
    path(
        "evaluation/cohorts/<int:cohort_id>/",
        staff.CohortEvaluationView.as_view(),
        name="evaluation_cohort",
    ),
    path(
        "evaluation/programmes/<int:programme_id>/",
        staff.ProgrammeResultsView.as_view(),
        name="evaluation_programme",
    ),
    path(
        "evaluation/programmes/<int:programme_id>/questions/<int:item_id>/",
        staff.OpenAnswersView.as_view(),
        name="evaluation_open_answers",
    ),
    path(
        "evaluation/rounds/<int:wave_id>/codes/",
        staff.WaveLinksView.as_view(),
        name="evaluation_wave_links",
    ),
    path(
        "evaluation/rounds/<int:wave_id>/device/",
        staff.DeviceQueueView.as_view(),
        name="evaluation_device",
    ),
    path(
        "evaluation/rounds/<int:wave_id>/device/done/",
        staff.DeviceDoneView.as_view(),
        name="evaluation_device_done",
    ),
    path(
        "evaluation/rounds/<int:wave_id>/device/<int:enrolment_id>/",
        staff.DeviceAnswerView.as_view(),
        name="evaluation_device_answer",
    ),
    path("survey/<str:code>/", public.SurveyAnswerView.as_view(), name="survey_answer"),
]
