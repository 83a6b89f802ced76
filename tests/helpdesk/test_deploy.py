"""Production configuration: `check --deploy` is clean, no default secret outside debug, compose is valid."""

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT, require

PRODUCTION_ENV = {
    "HELPDESK_SECRET_KEY": "k" * 20 + "-production-like-secret-with-enough-entropy-9f8e7d6c5b4a",
    "HELPDESK_WIDGET_SECRET": "widget-secret-for-the-deploy-check-32+bytes",
    "ALLOWED_HOSTS": "help.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://help.example.com",
}


def _manage(*args, env):
    base = {k: v for k, v in os.environ.items() if not k.startswith("HELPDESK_")}
    base.update(env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=base, capture_output=True, text=True)


def test_check_deploy_is_clean_with_production_env():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_no_default_secret_outside_debug():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "HELPDESK_SECRET_KEY"}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "HELPDESK_SECRET_KEY is required" in result.stderr


@pytest.mark.parametrize(("secret", "starts"), [("s" * 31, False), ("é" * 16, True), ("s" * 32, True)])
def test_the_widget_secret_must_be_at_least_32_bytes_outside_debug(secret, starts):
    result = _manage("check", env={**PRODUCTION_ENV, "HELPDESK_WIDGET_SECRET": secret})
    assert (result.returncode == 0) == starts, result.stderr
    if not starts:
        assert "ImproperlyConfigured" in result.stderr and "at least 32 bytes (it is 31)" in result.stderr


def test_a_short_widget_secret_is_allowed_in_debug():
    result = _manage("check", env={**PRODUCTION_ENV, "HELPDESK_WIDGET_SECRET": "short", "HELPDESK_DEBUG": "true"})
    assert result.returncode == 0, result.stderr


def test_secret_can_come_from_a_file(tmp_path):
    secret = tmp_path / "key"
    secret.write_text(PRODUCTION_ENV["HELPDESK_SECRET_KEY"])
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "HELPDESK_SECRET_KEY"}
    env["HELPDESK_SECRET_KEY_FILE"] = str(secret)
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stderr


def test_docker_compose_file_is_valid():
    require("docker-compose")
    env = dict(
        os.environ,
        HELPDESK_SECRET_KEY="x",
        HELPDESK_WIDGET_SECRET="y",
        POSTGRES_PASSWORD="z",
        ALLOWED_HOSTS="help.example.com",
    )
    result = subprocess.run(
        ["docker-compose", "-f", "docker-compose.yml", "config", "-q"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_compose_uses_the_settings_env_names():
    text = (ROOT / "docker-compose.yml").read_text()
    for name in ("HELPDESK_SECRET_KEY", "HELPDESK_WIDGET_SECRET", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS"):
        assert name in text
        assert name in (ROOT / "helpdesk" / "settings.py").read_text()


def test_lock_names_no_url_or_local_path():
    lock = (ROOT / "requirements.lock").read_text()
    assert "--hash=sha256:" in lock
    for forbidden in ("http://", "https://", "file:", "/root/", "/home/", "/work/"):
        assert forbidden not in lock
