"""Typed readers for environment variables. A bad value fails loudly at start-up, never later."""

import ipaddress
import os
import re
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}


class ConfigError(RuntimeError):
    pass


def envstr(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def envsecret(name: str, default: str = "") -> str:
    """NAME, or the contents of the file named by NAME_FILE (container secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text().strip()
    return os.environ.get(name, default)


def envsecret_required(name: str, *, debug: bool, debug_value: str, min_bytes: int = 0) -> str:
    """A secret production must set (no default is ever shipped): outside debug, missing or shorter than min_bytes
    stops the start-up; in debug, a missing one is `debug_value`, which nothing outside debug ever uses."""
    value = envsecret(name)
    if not value:
        if not debug:
            raise ImproperlyConfigured(f"{name} is required unless HELPDESK_DEBUG=true")
        return debug_value
    if not debug and len(value.encode()) < min_bytes:
        raise ImproperlyConfigured(
            f"{name} must be at least {min_bytes} bytes (it is {len(value.encode())}); "
            "e.g. python -c 'import secrets; print(secrets.token_hex(32))'"
        )
    return value


def envbool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    if raw.strip().lower() in TRUE:
        return True
    if raw.strip().lower() in FALSE:
        return False
    raise ConfigError(f"{name}={raw!r} is not a boolean (use true/false)")


def envint(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name}={raw!r} is not an integer") from exc


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def envnetworks(name: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """Comma-separated addresses or networks (`10.0.0.5,172.16.0.0/12,::1`)."""
    try:
        return [ipaddress.ip_network(item, strict=False) for item in envlist(name)]
    except ValueError as exc:
        raise ConfigError(f"{name}: {exc} (give addresses or networks, comma-separated)") from exc


def database_from_url(url: str) -> dict:
    """postgres://user:pass@host:port/name?sslmode=require → a DATABASES entry."""
    parsed = urlparse(url)
    if parsed.scheme not in {"postgres", "postgresql", "pgsql"}:
        raise ConfigError(f"DATABASE_URL scheme {parsed.scheme!r} is not supported (use postgres://)")
    options = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parsed.path.lstrip("/")) or "helpdesk",
        "USER": unquote(parsed.username or ""),
        "PASSWORD": unquote(parsed.password or ""),
        "HOST": parsed.hostname or "",
        "PORT": str(parsed.port or ""),
        "OPTIONS": options,
    }


def envsubset(name: str, default: str, choices: set[str]) -> frozenset[str]:
    """A comma-separated subset of `choices`; `all` means every choice and `none` the empty set."""
    raw = os.environ.get(name, default).strip().lower()
    if raw == "none":
        return frozenset()
    if raw == "all":
        return frozenset(choices)
    picked = {item.strip() for item in raw.split(",") if item.strip()}
    unknown = picked - choices
    if unknown or not picked:
        allowed = ", ".join(sorted(choices))
        raise ConfigError(f"{name}={raw!r}: use all, none, or a comma-separated list of {allowed}")
    return frozenset(picked)


def envmap(name: str, default: str = "") -> dict[str, str]:
    """`key=value,key2=value2` (keys and values trimmed); a pair without `=` fails loudly."""
    pairs = {}
    for item in os.environ.get(name, default).split(","):
        if not item.strip():
            continue
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise ConfigError(f"{name}: {item.strip()!r} is not key=value")
        pairs[key.strip()] = value.strip()
    return pairs


INSTANCE_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")


def redis_namespace(redis_url: str, instance: str = "") -> str:
    """The prefix of every name this deployment uses in Redis: `helpdesk.db<N>[.<instance>]`.

    Redis pub/sub channels are global to a server (the database number does not separate them), so two
    deployments on one Redis must differ in their names, not only in their database numbers. Deriving the names
    from the database number makes that the default; HELPDESK_INSTANCE tells apart deployments on one database."""
    if instance and not INSTANCE_NAME.fullmatch(instance):
        raise ConfigError(
            f"HELPDESK_INSTANCE={instance!r}: use 1-40 lower-case letters, digits and hyphens (e.g. staging)"
        )
    db = 0
    if redis_url:
        from redis import ConnectionPool  # parses the URL exactly as the clients will (path /N, or ?db=N)

        db = int(ConnectionPool.from_url(redis_url).connection_kwargs.get("db") or 0)
    return f"helpdesk.db{db}" + (f".{instance}" if instance else "")


def attachment_storage(local_folder: Path) -> dict:
    """Where attachments are kept: the folder, or the S3-compatible bucket HELPDESK_S3_BUCKET names (django-storages).
    Private either way: files are only ever served through our own view and its signed links, never directly."""
    bucket = envstr("HELPDESK_S3_BUCKET")
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": local_folder}}
    options = {
        "bucket_name": bucket,
        "endpoint_url": envstr("HELPDESK_S3_ENDPOINT_URL") or None,  # MinIO, Ceph, R2, ...; empty: AWS
        "region_name": envstr("HELPDESK_S3_REGION") or None,
        "access_key": envsecret("HELPDESK_S3_ACCESS_KEY_ID") or None,  # empty: the usual AWS credential chain
        "secret_key": envsecret("HELPDESK_S3_SECRET_ACCESS_KEY") or None,
        "addressing_style": envstr("HELPDESK_S3_ADDRESSING_STYLE") or None,  # "path" for most self-hosted servers
        "default_acl": None,  # the bucket's own (private) policy, never public-read
        "querystring_auth": True,
        "file_overwrite": False,
    }
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
