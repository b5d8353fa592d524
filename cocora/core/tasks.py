from celery import shared_task
from django.core.management import call_command


@shared_task(name="core.sessions_clear")
def sessions_clear() -> None:
    """Removes expired sessions, so that a signed-out session leaves nothing behind."""
    call_command("clearsessions")
