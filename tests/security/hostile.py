"""Hostile values, and a spy that learns which query, form and JSON parameters a view reads (so the walk in
test_hostile_input.py sends hostile values in exactly those, and in any a view starts reading tomorrow)."""

import json
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.http import QueryDict

# What an attacker (or a confused client) sends: a NUL byte, a number past every integer column, a negative id,
# a word where a number belongs, the last and the first day Python knows, 5,000 characters, right-to-left text
# with emoji (an override character, Arabic, Hebrew, a ZWJ sequence, a flag).
HOSTILE = {
    "nul": "a\x00b",
    "10^30": "1" + "0" * 30,
    "-1": "-1",
    "abc": "abc",
    "9999-12-31": "9999-12-31",
    "0001-01-01": "0001-01-01",
    "5000 chars": "ab" * 2500,
    "rtl+emoji": "\u202e\u0645\u0631\u062d\u0628\u0627 \u05e9\u05dc\u05d5\u05dd "
    "\U0001f469\U0001f3fd\u200d\U0001f4bb\U0001f1f8\U0001f1e6\u200f",
}
JSON_NUMBERS = {"10^30 (number)": 10**30, "-1 (number)": -1}


@dataclass
class Reads:
    """Keys a view read from the query string, from a form body and from a JSON body."""

    query: set[str] = field(default_factory=set)
    form: set[str] = field(default_factory=set)
    json: set[str] = field(default_factory=set)
    sent_query: str = ""  # what the request in flight sent: only what is parsed from it is spied on
    sent_form: str | None = None
    sent_json: str | None = None

    def clear(self) -> None:
        self.query.clear(), self.form.clear(), self.json.clear()


class _RecordingDict(dict):
    keys_read: set

    def get(self, key, default=None):
        self.keys_read.add(key)
        return super().get(key, default)

    def __getitem__(self, key):
        self.keys_read.add(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        self.keys_read.add(key)
        return super().__contains__(key)


def _text(raw) -> str | None:
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes | bytearray) else raw


@contextmanager
def spying(monkeypatch):
    """Record every key read from request.GET, request.POST and the JSON body of the requests the walk sends."""
    reads = Reads()
    init = QueryDict.__init__
    originals = {name: getattr(QueryDict, name) for name in ("get", "getlist", "__getitem__", "__contains__")}

    def spied_init(self, query_string=None, *args, **kwargs):
        init(self, query_string, *args, **kwargs)
        text = _text(query_string) or ""
        self._walk_reads = reads.form if text == reads.sent_form else reads.query if text == reads.sent_query else None

    def recorder(name):
        def read(self, key, *args, **kwargs):
            if getattr(self, "_walk_reads", None) is not None and isinstance(key, str):
                self._walk_reads.add(key)
            return originals[name](self, key, *args, **kwargs)

        return read

    monkeypatch.setattr(QueryDict, "__init__", spied_init)
    for name in originals:
        monkeypatch.setattr(QueryDict, name, recorder(name))
    loads = json.loads

    def spied_loads(text, *args, **kwargs):
        value = loads(text, *args, **kwargs)
        if isinstance(value, dict) and reads.sent_json is not None and _text(text) == reads.sent_json:
            recording = _RecordingDict(value)
            recording.keys_read = reads.json
            return recording
        return value

    monkeypatch.setattr(json, "loads", spied_loads)
    yield reads
