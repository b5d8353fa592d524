"""`make run` on SQLite serves several browsers at once.

Regression: two people signing in at the same moment got a 500 "database is locked". Each
request is one transaction (ATOMIC_REQUESTS); SQLite's default deferred transactions start as
readers and fail at once, without waiting, when they need to write while another writer holds
the database. The local settings now begin every transaction as a writer (IMMEDIATE), wait for
the lock (timeout) and let readers and the writer work side by side (WAL).

The pytest test runs this file as a script in a child process with the local settings on a
fresh SQLite file, because the suite's own process is bound to the test settings.
"""

import os
import subprocess
import sys
import threading
from pathlib import Path

PEOPLE = 8
PASSWORD = "a-long-enough-password-1"


def test_parallel_sign_ins_and_page_views_on_sqlite_answer_no_500(tmp_path: Path) -> None:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_", "REDIS_", "CELERY_", "DJANGO_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="cocora.settings.local",
        DATABASE_URL=f"sqlite:///{tmp_path / 'local.sqlite3'}",
    )
    result = subprocess.run(
        [sys.executable, __file__],
        env=env,
        cwd=Path(__file__).resolve().parent.parent,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert result.stdout.strip().splitlines()[-1] == f"signed in: {PEOPLE}"


def _sign_in_and_browse(email: str, barrier: threading.Barrier, outcomes: list[str]) -> None:
    from django.test import Client

    # The address `make run` serves on (in ALLOWED_HOSTS of the local settings).
    client = Client(raise_request_exception=False, HTTP_HOST="127.0.0.1")
    barrier.wait()
    try:
        response = client.post("/accounts/login/", {"login": email, "password": PASSWORD})
        outcomes.append(f"sign-in {response.status_code}")
        # Every page view is a transaction of its own, and the session is written again.
        for _ in range(3):
            outcomes.append(f"page {client.get('/profile/').status_code}")
    except Exception as error:  # reported to the parent: the point is to see it
        outcomes.append(f"error {error!r}")


def _main() -> None:
    import django

    django.setup()
    from allauth.account.models import EmailAddress
    from django.conf import settings
    from django.core.management import call_command

    from cocora.accounts.models import User

    # The settings under test are the database's; a fast hasher keeps the run short.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)
    emails = [f"person{n}@example.org" for n in range(PEOPLE)]
    for email in emails:
        user = User.objects.create_user(email=email, password=PASSWORD)
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)

    barrier = threading.Barrier(PEOPLE)
    outcomes: list[str] = []
    threads = [
        threading.Thread(target=_sign_in_and_browse, args=(email, barrier, outcomes))
        for email in emails
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    failures = [o for o in outcomes if not o.endswith((" 200", " 302"))]
    if failures:
        print("\n".join(failures))
        sys.exit(1)
    print(f"signed in: {outcomes.count('sign-in 302')}")


if __name__ == "__main__":
    _main()
