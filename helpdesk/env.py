"""Typed readers for environment variables. A bad value fails loudly at start-up, never later."""

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

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
