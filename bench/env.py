"""The environment every benchmark process shares: its own database and Redis, never the developer's."""

import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PYTHON = str(ROOT / ".venv" / "bin" / "python")

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/helpdesk_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


def bench_env() -> dict:
    """Environment for the runner and the servers it starts. BENCH_* override the stores used."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL),
        REDIS_URL=os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL),
        DJANGO_SETTINGS_MODULE="helpdesk.settings",
        HELPDESK_DEBUG="false",
        HELPDESK_SSL_REDIRECT="false",
        HELPDESK_SECURE_COOKIES="false",
        HELPDESK_STATIC_MANIFEST="false",
        HELPDESK_STATIC_FINDERS="true",
        HELPDESK_DB_CONN_MAX_AGE="60",
        HELPDESK_LOG_LEVEL="WARNING",
        HELPDESK_CHANNEL_PREFIX=os.environ.get("BENCH_CHANNEL_PREFIX", "bench"),
        HELPDESK_CELERY_QUEUE="q_bench",
        HELPDESK_AUTO_OFFER="false",
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
    )
    # Fresh secrets per run unless the runner passed some down to its children.
    env.setdefault("HELPDESK_SECRET_KEY", "bench-" + secrets.token_hex(24))
    env.setdefault("HELPDESK_WIDGET_SECRET", "bench-widget-" + secrets.token_hex(24))
    return env


def django_setup() -> None:
    """Configure Django in this process with the benchmark environment."""
    os.environ.update(bench_env())
    import django

    django.setup()
