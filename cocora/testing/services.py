"""Runs a command (the test suite) against throwaway PostgreSQL and Redis servers.

    python -m cocora.testing.services -- pytest ...

Where the server binaries are found (initdb/pg_ctl, redis-server), it starts both on loopback in a
temporary directory, creates an owner role and a restricted runtime role, migrates as the owner
(which installs row-level security), and runs the command with DATABASE_URL pointing at the
runtime role, so that the suite exercises RLS for real. Where they are missing it says so and runs
the command on SQLite; the suite then reports the tests it had to skip (or, with
COCORA_REQUIRE_SERVICES=1, fails them).
"""

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

OWNER_ROLE = "cocora_owner"
APP_ROLE = "cocora_app"
DB_NAME = "cocora_test"
ROOT = Path(__file__).resolve().parents[2]


def log(message: str) -> None:
    print(f"[test services] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def find_pg_bindir() -> Path | None:
    candidates = []
    if os.environ.get("COCORA_PG_BINDIR"):
        candidates.append(os.environ["COCORA_PG_BINDIR"])
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(str(Path(os.path.realpath(initdb)).parent))
    for candidate in candidates:
        path = Path(candidate)
        if (path / "initdb").exists() and (path / "pg_ctl").exists():
            return path
    return None


def as_server_user(cmd: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run it as the unprivileged `postgres` user then."""
    if os.geteuid() != 0:
        return cmd
    return ["runuser", "-u", "postgres", "--", *cmd]


@contextlib.contextmanager
def postgres(workdir: Path) -> Iterator[dict[str, str]]:
    bindir = find_pg_bindir()
    if bindir is None:
        raise FileNotFoundError("initdb and pg_ctl")
    datadir = workdir / "pg"
    datadir.mkdir()
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(workdir, user.pw_uid, user.pw_gid)
        os.chown(datadir, user.pw_uid, user.pw_gid)
    port = free_port()
    subprocess.run(
        as_server_user(
            [
                str(bindir / "initdb"),
                "-D",
                str(datadir),
                "-U",
                "cocora_super",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ]
        ),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    options = (
        f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={workdir} "
        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
    )
    subprocess.run(
        as_server_user(
            [
                str(bindir / "pg_ctl"),
                "-D",
                str(datadir),
                "-o",
                options,
                "-w",
                "-l",
                str(workdir / "pg.log"),
                "start",
            ]
        ),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    try:
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=port, user="cocora_super", dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(f"CREATE ROLE {OWNER_ROLE} LOGIN NOSUPERUSER CREATEDB")
            conn.execute(
                f"CREATE ROLE {APP_ROLE} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE"
            )
            conn.execute(f"CREATE DATABASE {DB_NAME} OWNER {OWNER_ROLE}")
        base = f"postgres://{{role}}@127.0.0.1:{port}/{DB_NAME}"
        log(f"PostgreSQL from {bindir} on 127.0.0.1:{port}")
        yield {
            "DATABASE_URL": base.format(role=APP_ROLE),
            "COCORA_TEST_OWNER_DATABASE_URL": base.format(role=OWNER_ROLE),
            "COCORA_DB_APP_ROLE": APP_ROLE,
            "COCORA_TEST_SUPER_DATABASE_URL": f"postgres://cocora_super@127.0.0.1:{port}/{DB_NAME}",
        }
    finally:
        subprocess.run(
            as_server_user([str(bindir / "pg_ctl"), "-D", str(datadir), "-m", "immediate", "stop"]),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )


@contextlib.contextmanager
def redis(workdir: Path) -> Iterator[dict[str, str]]:
    binary = shutil.which("redis-server") or (
        "/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists() else None
    )
    if binary is None:
        raise FileNotFoundError("redis-server")
    port = free_port()
    process = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
        ],
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
                break
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.05)
        log(f"Redis on 127.0.0.1:{port}")
        yield {
            "REDIS_URL": f"redis://127.0.0.1:{port}/0",
            "CELERY_BROKER_URL": f"redis://127.0.0.1:{port}/1",
        }
    finally:
        process.terminate()
        process.wait(timeout=10)


def migrate_as_owner(env: dict[str, str]) -> None:
    owner_env = {**env, "DATABASE_URL": env["COCORA_TEST_OWNER_DATABASE_URL"]}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=owner_env,
        check=True,
    )
    # The suite empties tables between browser and worker tests (TRUNCATE); that privilege is
    # granted for the throwaway test database only.
    import psycopg

    with psycopg.connect(env["COCORA_TEST_OWNER_DATABASE_URL"], autocommit=True) as conn:
        conn.execute(f"GRANT TRUNCATE ON ALL TABLES IN SCHEMA public TO {APP_ROLE}")


def main(argv: list[str]) -> int:
    if argv and argv[0] == "--":
        argv = argv[1:]
    if not argv:
        print(__doc__)
        return 2
    env = dict(os.environ)
    # Not setdefault: importing the cocora package (for this module) already set the variable to
    # the local settings through cocora/celery.py. COCORA_SETTINGS chooses others on purpose.
    env["DJANGO_SETTINGS_MODULE"] = os.environ.get("COCORA_SETTINGS", "cocora.settings.test")
    with contextlib.ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="cocora-test-")))
        os.chmod(workdir, 0o755)
        missing = []
        try:
            env.update(stack.enter_context(postgres(workdir)))
        except (FileNotFoundError, subprocess.CalledProcessError) as error:
            missing.append(f"PostgreSQL ({error})")
        try:
            env.update(stack.enter_context(redis(workdir)))
        except (FileNotFoundError, RuntimeError) as error:
            missing.append(f"Redis ({error})")
        if missing:
            log("NOT FOUND: " + "; ".join(missing))
            log("The suite runs on what is there; tests that need the rest are reported.")
        if "DATABASE_URL" in env and "COCORA_TEST_OWNER_DATABASE_URL" in env:
            migrate_as_owner(env)
            env["COCORA_TEST_DB_READY"] = "1"
        return subprocess.run(argv, cwd=ROOT, env=env).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
