from django.urls import path

from .views import cohorts, participants, sessions

urlpatterns = [
    path("cohorts/", cohorts.CohortListView.as_view(), name="cohort_list"),
    path("cohorts/new/", cohorts.CohortCreateView.as_view(), name="cohort_create"),
    path("cohorts/<int:cohort_id>/", cohorts.CohortDetailView.as_view(), name="cohort_detail"),
    path("cohorts/<int:cohort_id>/edit/", cohorts.CohortEditView.as_view(), name="cohort_edit"),
    path("cohorts/<int:cohort_id>/enrol/", cohorts.CohortEnrolView.as_view(), name="cohort_enrol"),
    path(
        "cohorts/<int:cohort_id>/stages/", cohorts.CohortStagesView.as_view(), name="cohort_stages"
    ),
    path("cohorts/<int:cohort_id>/grid/", cohorts.CohortGridView.as_view(), name="cohort_grid"),
    path(
        "cohorts/<int:cohort_id>/email-trainers/",
        cohorts.CohortEmailTrainersView.as_view(),
        name="cohort_email_trainers",
    ),
    path(
        "cohorts/<int:cohort_id>/recipients/",
        cohorts.CohortRecipientsView.as_view(),
        name="cohort_recipients",
    ),
    path(
        "cohorts/<int:cohort_id>/sessions/new/",
        sessions.SessionsGenerateView.as_view(),
        name="sessions_generate",
    ),
    path(
        "enrolments/<int:enrolment_id>/stage/",
        cohorts.EnrolmentStageView.as_view(),
        name="enrolment_stage",
    ),
    path("sessions/<int:session_id>/", sessions.SessionDetailView.as_view(), name="session_detail"),
    path(
        "sessions/<int:session_id>/edit/", sessions.SessionEditView.as_view(), name="session_edit"
    ),
    path(
        "sessions/<int:session_id>/status/",
        sessions.SessionStatusView.as_view(),
        name="session_status",
    ),
    path("sessions/<int:session_id>/log/", sessions.SessionLogView.as_view(), name="session_log"),
    path("participants/", participants.ParticipantListView.as_view(), name="participant_list"),
    path("participants/bulk/", participants.ParticipantBulkView.as_view(), name="participant_bulk"),
    path(
        "participants/new/", participants.ParticipantCreateView.as_view(), name="participant_create"
    ),
    path(
        "participants/<int:participant_id>/",
        participants.ParticipantDetailView.as_view(),
        name="participant_detail",
    ),
    path(
        "participants/<int:participant_id>/edit/",
        participants.ParticipantEditView.as_view(),
        name="participant_edit",
    ),
    path(
        "participants/<int:participant_id>/consents/new/",
        participants.ConsentCreateView.as_view(),
        name="consent_create",
    ),
    path(
        "participants/<int:participant_id>/consent-form/",
        participants.ConsentFormPrintView.as_view(),
        name="consent_form",
    ),
    path(
        "consents/<int:consent_id>/withdraw/",
        participants.ConsentWithdrawView.as_view(),
        name="consent_withdraw",
    ),
]
