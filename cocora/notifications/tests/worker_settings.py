"""Settings of the Celery worker processes that the exactly-once test and the benchmark start:
the test settings, with Django's SMTP backend pointed at the test's mail sink, and the worker's
name given in the SMTP greeting (EHLO) so that the sink can tell workers apart."""

import os

from django.core.mail.utils import DNS_NAME

from cocora.settings.test import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = "127.0.0.1"
EMAIL_PORT = int(os.environ["COCORA_TEST_SMTP_PORT"])
EMAIL_USE_TLS = False
EMAIL_USE_SSL = False
EMAIL_HOST_USER = ""
EMAIL_HOST_PASSWORD = ""
EMAIL_TIMEOUT = 30
CELERY_TASK_ALWAYS_EAGER = False
DNS_NAME._fqdn = os.environ.get("COCORA_TEST_WORKER_NAME", "worker")  # type: ignore[attr-defined]
