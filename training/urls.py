"""Pages of the training app, mounted under o/<org_slug>/ (and so swept by the isolation test).
Every id parameter has its own name, taught to the sweep in training/tests/makers.py."""

from django.urls import path

from . import views

urlpatterns = [
    path("training/", views.TrainingHomeView.as_view(), name="training_home"),
    path("training/mine/", views.MyTrainingView.as_view(), name="training_mine"),
    path("training/people/", views.PeopleView.as_view(), name="training_people"),
    path("training/record/", views.RecordTrainingView.as_view(), name="training_record"),
    path("training/courses/new/", views.CourseFormView.as_view(), name="training_course_create"),
    path(
        "training/courses/<int:course_id>/edit/",
        views.CourseFormView.as_view(),
        name="training_course_edit",
    ),
    path(
        "training/courses/<int:course_id>/delete/",
        views.CourseDeleteView.as_view(),
        name="training_course_delete",
    ),
    path(
        "training/members/<int:membership_id>/",
        views.MemberHistoryView.as_view(),
        name="training_member",
    ),
    path(
        "training/ambassadors/<int:ambassador_id>/",
        views.AmbassadorHistoryView.as_view(),
        name="training_ambassador",
    ),
    path(
        "training/records/<int:training_record_id>/delete/",
        views.RecordDeleteView.as_view(),
        name="training_record_delete",
    ),
]
