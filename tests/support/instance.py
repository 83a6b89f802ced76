"""A whole second deployment for tests: its own PostgreSQL database, and commands run inside it as subprocesses
(with that deployment's environment, so they use its settings exactly as its servers do).

    python -m tests.support.instance agent EMAIL            # a staff user and a signed-in session; prints its key
    python -m tests.support.instance probe TOKEN COUNT URL  # send COUNT probe tasks to this deployment's queue

Workers load this module (`-I tests.support.instance`): `probe` records, in the Redis at URL, which deployment's
worker ran it (its database name), so a test can tell whose worker took whose task.
"""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import psycopg
import redis
from psycopg import sql

from helpdesk.celery import app

ROOT = Path(__file__).resolve().parent.parent.parent


@app.task(name="tests.support.instance.probe")
def probe(token: str, record_url: str) -> str:
    from django.conf import settings

    name = settings.DATABASES["default"]["NAME"]
    redis.Redis.from_url(record_url).rpush(f"probe:{token}", name)
    return name


def database_create(env: dict) -> None:
    """Create and migrate the (new, empty) database named by env's DATABASE_URL."""
    url = urlparse(env["DATABASE_URL"])
    with psycopg.connect(url._replace(path="/postgres").geturl(), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(url.path[1:])))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(url.path[1:])))
    manage = [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"]
    subprocess.run(manage, cwd=ROOT, env=env, check=True, capture_output=True)


def database_drop(env: dict) -> None:
    url = urlparse(env["DATABASE_URL"])
    with psycopg.connect(url._replace(path="/postgres").geturl(), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(url.path[1:])))


def run(env: dict, *args: str) -> str:
    """Run this module's command line inside the deployment that env describes; its output."""
    command = [sys.executable, "-m", "tests.support.instance", *args]
    return subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout.strip()


def _agent(email: str) -> str:
    from accounts.models import Role
    from accounts.services import staff_upsert
    from tests.chat.helpers import session_cookie

    user = staff_upsert(email=email, password=f"pw-{os.urandom(8).hex()}", role=Role.AGENT, name=email)[0]
    return session_cookie(user)


def _probe(token: str, count: str, record_url: str) -> str:
    for _ in range(int(count)):
        probe.delay(token, record_url)
    return count


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
    django.setup()
    command, *rest = sys.argv[1:]
    print({"agent": _agent, "probe": _probe}[command](*rest))
