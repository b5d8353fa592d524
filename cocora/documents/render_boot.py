"""Loaded once by the server process that starts the handbook renderers (multiprocessing's
forkserver): Django configured from the environment and WeasyPrint imported, so that each
renderer forked from it starts ready, from a clean process rather than a copy of the caller's
(whose open broker and database connections a forked copy would share)."""

import os

import django

if os.environ.get("DJANGO_SETTINGS_MODULE"):
    django.setup()

import weasyprint  # noqa: F401  (imported here so that each renderer has it already)
