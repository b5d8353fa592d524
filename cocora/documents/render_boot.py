"""Loaded once by the server process that starts the handbook renderers (multiprocessing's
forkserver): Django configured from the environment and WeasyPrint imported, so that each
renderer forked from it starts ready, from a clean process rather than a copy of the caller's
(whose open broker and database connections a forked copy would share).

It also renders one small document, so that what WeasyPrint sets up on first use is set up
here, once, and every renderer forked from this process inherits it: the fonts found and
loaded, the hyphenation dictionary of each language we print in, the modules that write
tagged PDF and subset fonts (rendering.warm_up). Nothing else imports this module."""

import os

import django
from django.apps import apps

CONFIGURED = bool(os.environ.get("DJANGO_SETTINGS_MODULE"))

if CONFIGURED and not apps.ready:
    django.setup()

import weasyprint  # noqa: E402, F401  (imported here so that each renderer has it already)

if CONFIGURED:
    from .rendering import warm_up

    warm_up()
