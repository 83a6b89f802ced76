"""What a socket reads before any service sees it: a frame parsed from JSON text (parse_frame), the typed fields
read out of it (int_field, uuid_field, str_field), the refusal for a frame that is not right (FrameError), and the
per-socket rate limit (RateLimiter)."""

import json
import time
import uuid

from django.conf import settings

from common.errors import Refusal


class FrameError(Refusal):
    """A frame refused before any service saw it (not JSON, too fast, too large)."""


class RateLimiter:
    """A token bucket: `rate` frames per `per` seconds, with bursts up to `rate`."""

    def __init__(self, rate: int, per: float = 10.0):
        self.capacity = float(rate)
        self.tokens = float(rate)
        self.refill = rate / per
        self.stamp = time.monotonic()

    def allow(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.refill)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


def parse_frame(text_data: str | None, bytes_data: bytes | None) -> dict:
    if text_data is None:
        raise FrameError("bad_frame", "send JSON text frames")
    # A body of CHAT_MAX_BODY characters may arrive \u-escaped: up to 12 characters each (surrogate pairs).
    if len(text_data) > settings.CHAT_MAX_BODY * 12 + 1024:
        raise FrameError("too_long", "frame too large")
    try:
        frame = json.loads(text_data, parse_constant=_not_json)
    except (ValueError, RecursionError) as exc:
        raise FrameError("bad_json", "the frame is not valid JSON") from exc
    if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
        raise FrameError("bad_frame", 'a frame is a JSON object with a "type"')
    if not _encodable(frame):
        raise FrameError("bad_frame", "the frame holds invalid unicode (a lone surrogate escape)")
    return frame


def _not_json(constant: str):
    """Python's json reads NaN and Infinity; JSON has neither (and int(Infinity) raises)."""
    raise ValueError(f"{constant} is not JSON")


def _encodable(value) -> bool:
    """A \\ud800 escape decodes to a lone surrogate that PostgreSQL and the socket's UTF-8 cannot carry."""
    try:
        json.dumps(value, ensure_ascii=False).encode()
    except (UnicodeEncodeError, RecursionError):
        return False
    return True


def int_field(frame: dict, name: str, *, required: bool = True, default: int | None = None) -> int | None:
    value = frame.get(name, default)
    if value is None:
        if required:
            raise FrameError("bad_frame", f'"{name}" is required')
        return None
    if isinstance(value, bool):
        raise FrameError("bad_frame", f'"{name}" must be an integer')
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError) as exc:  # OverflowError: JSON's Infinity
        raise FrameError("bad_frame", f'"{name}" must be an integer') from exc
    if number < 0 or number > 2**62:
        raise FrameError("bad_frame", f'"{name}" is out of range')
    return number


def uuid_field(frame: dict, name: str, *, required: bool = True) -> uuid.UUID | None:
    value = frame.get(name)
    if value is None and not required:
        return None
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError) as exc:
        raise FrameError("bad_frame", f'"{name}" must be a UUID') from exc


def str_field(frame: dict, name: str, default: str = "") -> str:
    value = frame.get(name, default)
    if not isinstance(value, str):
        raise FrameError("bad_frame", f'"{name}" must be a string')
    if "\x00" in value:  # PostgreSQL text cannot hold it (a transfer note would fail as "unavailable")
        raise FrameError("bad_frame", f'"{name}" must not contain NUL characters')
    return value
