"""Programmes and their curriculum, under o/<org_slug>/.

Flat on purpose: a module or an activity is addressed by its own id, never nested under its
programme's, so that no URL can pair the ids of two organisations. The parameter names are the
ones the isolation sweep (tests/isolation.py) knows how to fill.
"""

from django.urls import path

from .views import curriculum as views
from .views import translations

urlpatterns = [
    path("programmes/", views.ProgrammeListView.as_view(), name="programme_list"),
    path("programmes/new/", views.ProgrammeCreateView.as_view(), name="programme_create"),
    path(
        "programmes/<int:programme_id>/",
        views.ProgrammeDetailView.as_view(),
        name="programme_detail",
    ),
    path(
        "programmes/<int:programme_id>/edit/",
        views.ProgrammeEditView.as_view(),
        name="programme_edit",
    ),
    path(
        "programmes/<int:programme_id>/modules/new/",
        views.ModuleCreateView.as_view(),
        name="module_create",
    ),
    path(
        "programmes/<int:programme_id>/translations/builtin/",
        translations.ProgrammeBuiltinTranslationView.as_view(),
        name="programme_builtin_translation",
    ),
    path("modules/<int:module_id>/edit/", views.ModuleEditView.as_view(), name="module_edit"),
    path(
        "modules/<int:module_id>/translations/",
        translations.ModuleTranslationView.as_view(),
        name="module_translation",
    ),
    path("modules/<int:module_id>/move/", views.ModuleMoveView.as_view(), name="module_move"),
    path("modules/<int:module_id>/delete/", views.ModuleDeleteView.as_view(), name="module_delete"),
    path(
        "modules/<int:module_id>/activities/new/",
        views.ActivityCreateView.as_view(),
        name="activity_create",
    ),
    path(
        "activities/<int:activity_id>/edit/",
        views.ActivityEditView.as_view(),
        name="activity_edit",
    ),
    path(
        "activities/<int:activity_id>/move/",
        views.ActivityMoveView.as_view(),
        name="activity_move",
    ),
    path(
        "activities/<int:activity_id>/delete/",
        views.ActivityDeleteView.as_view(),
        name="activity_delete",
    ),
]
