"""Hypothesis strategies for websocket frames that a server must refuse: every one of them deserves an error frame.

Each strategy yields (raw, expected) where raw is str (a text frame) or bytes (a binary frame) and expected is the
set of error codes that are a correct answer.
"""

import json
import uuid

from hypothesis import strategies as st

WIDGET_TYPES = ["hello", "send", "resume", "typing", "read", "end"]
AGENT_TYPES = ["send", "resume", "watch", "unwatch", "typing", "read", "accept", "transfer", "end", "presence"]
ALL_KNOWN = set(WIDGET_TYPES) | set(AGENT_TYPES) | {"ping"}

# Unicode that breaks naive code: lone surrogates, controls, bidi overrides, zero-width, BOM, NUL, astral.
EDGE_CHARS = st.one_of(
    st.characters(categories=["Cs"]),
    st.characters(categories=["Cc", "Cf", "Zl", "Zp"]),
    st.sampled_from(["\u202e", "\u200b", "\ufeff", "\x00", "\U0001f4a9", "\u0301", "\uffff", "\U0010ffff"]),
)
NASTY_TEXT = st.text(alphabet=st.one_of(EDGE_CHARS, st.characters()), max_size=40)

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    NASTY_TEXT,
)
JSON_VALUES = st.recursive(
    SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(NASTY_TEXT, inner, max_size=3), max_leaves=12
)


def _not_an_int(value) -> bool:
    if isinstance(value, bool) or value is None:
        return True
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        return True
    return number < 0 or number > 2**62


def _not_a_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return True
    return False


BAD_INT = JSON_VALUES.filter(lambda v: v is not None and _not_an_int(v))
BAD_UUID = JSON_VALUES.filter(_not_a_uuid)


def dumps(frame) -> str:
    """Raw UTF-8 where it can be encoded, \\u escapes (lone surrogates survive only so) otherwise.
    NaN and Infinity are written as Python's json does: the server's json reads them, and must cope."""
    text = json.dumps(frame, ensure_ascii=False)
    try:
        text.encode()
    except UnicodeEncodeError:
        return json.dumps(frame)
    return text


def _not_json(text: str) -> bool:
    try:
        json.loads(text)
    except (ValueError, RecursionError):
        return True
    return False


not_json = st.one_of(
    st.text(min_size=1).map(lambda t: "{" + t).filter(_not_json),
    st.sampled_from(["", "{", "}", "nul", "[1,]", "{'type':'ping'}", "\ufeff{}", '{"type":"ping"']),
).map(lambda raw: (raw, {"bad_json"}))

not_an_object = JSON_VALUES.filter(lambda v: not isinstance(v, dict)).map(lambda v: (dumps(v), {"bad_frame"}))

no_type = (
    st.dictionaries(NASTY_TEXT.filter(lambda k: k != "type"), JSON_VALUES, max_size=4)
    .flatmap(
        lambda d: st.one_of(
            st.just(d), JSON_VALUES.filter(lambda t: not isinstance(t, str)).map(lambda t: {**d, "type": t})
        )
    )
    .map(lambda d: (dumps(d), {"bad_frame"}))
)

unknown_type = st.tuples(NASTY_TEXT.filter(lambda t: t not in ALL_KNOWN), JSON_VALUES).map(
    lambda pair: (dumps({"type": pair[0], "data": pair[1]}), {"unknown_type"})
)

deep = st.integers(min_value=2_000, max_value=50_000).map(
    lambda n: ("[" * n + "]" * n, {"bad_json", "too_long", "bad_frame"})
)
FIXED_ID = "0b7a7c55-6c1e-4d55-9a3f-2f8e5a2b9c01"
huge = st.integers(min_value=40_000, max_value=120_000).map(
    # bad_frame: the agent socket asks for the conversation before it reads the body
    lambda n: (json.dumps({"type": "send", "body": "A" * n, "client_msg_id": FIXED_ID}), {"too_long", "bad_frame"})
)
binary = st.binary(min_size=0, max_size=200).map(lambda b: (b, {"bad_frame"}))


def bad_field_frames(types: list[str], *, agent: bool):
    """Known frame types with a field of the wrong type or out of range."""

    def build(draw_type: str, conversation, msg_id, body, extra):
        frame = {"type": draw_type, "conversation": conversation, "client_msg_id": msg_id, "body": body, **extra}
        return frame

    @st.composite
    def strategy(draw):
        kind = draw(st.sampled_from(types))
        if kind == "hello":
            return dumps({"type": "hello", "token": draw(JSON_VALUES)}), {"already_hello"}
        if kind == "presence":
            status = draw(JSON_VALUES.filter(lambda s: s not in ("online", "away", "offline")))
            return dumps({"type": "presence", "status": status}), {"bad_frame"}
        if kind == "send":
            # A bad id, or (with a good id) a body that is empty, too long or not a string.
            if draw(st.booleans()):
                frame = build(kind, draw(JSON_VALUES), draw(BAD_UUID), draw(JSON_VALUES), {})
                return dumps(frame), {"bad_frame", "forbidden", "not_found", "bad_body", "empty_body", "bad_kind"}
            body = draw(
                st.one_of(
                    st.text(alphabet=" \t\n\r\x00\u3000", max_size=20),
                    st.integers(min_value=8_001, max_value=20_000).map(lambda n: "é" * n),
                    JSON_VALUES.filter(lambda v: not isinstance(v, str)),
                )
            )
            conversation = draw(BAD_INT) if agent else None
            frame = {"type": "send", "client_msg_id": FIXED_ID, "body": body}
            if conversation is not None:
                frame["conversation"] = conversation
            return dumps(frame), {"bad_frame", "empty_body", "too_long", "bad_body", "not_found"}
        frame = {"type": kind, "conversation": draw(BAD_INT), "after_seq": draw(JSON_VALUES), "seq": draw(BAD_INT)}
        if kind == "transfer":
            frame |= {"to_agent": draw(JSON_VALUES), "note": draw(JSON_VALUES)}
        return dumps(frame), {"bad_frame"}

    return strategy()


def bad_frames(*, agent: bool):
    types = AGENT_TYPES if agent else WIDGET_TYPES
    return st.one_of(
        not_json,
        not_an_object,
        no_type,
        unknown_type,
        bad_field_frames(types, agent=agent),
        binary,
        deep,
        huge,
    )


# Hand-picked frames that broke (or could break) parsers: Python's json reads NaN/Infinity and huge exponents.
KNOWN_NASTIES = [
    ('{"type":"resume","conversation":Infinity}', {"bad_frame"}),
    ('{"type":"resume","conversation":-Infinity}', {"bad_frame"}),
    ('{"type":"resume","conversation":NaN}', {"bad_frame"}),
    ('{"type":"resume","conversation":1e400}', {"bad_frame"}),
    ('{"type":"read","conversation":1,"seq":Infinity}', {"bad_frame", "not_found"}),
    ('{"type":"resume","conversation":1,"after_seq":Infinity}', {"bad_frame", "not_found"}),
    ('{"type":"resume","conversation":' + "9" * 5000 + "}", {"bad_frame", "bad_json"}),
    ('{"type":"send","client_msg_id":"' + FIXED_ID + '","body":"\\ud800"}', {"bad_body", "bad_frame"}),
    ('{"type":"send","client_msg_id":"' + FIXED_ID + '","body":"\\udfff\\ud800 x"}', {"bad_body", "bad_frame"}),
    ('{"type":"send","client_msg_id":"\\ud800","body":"x"}', {"bad_frame"}),
    ('{"type":"\\ud800"}', {"unknown_type"}),
    ('{"type":"send","client_msg_id":"' + FIXED_ID + '","body":"\\u0000\\u0000"}', {"empty_body", "bad_frame"}),
    ('{"type":"send","client_msg_id":{"$gt":""},"body":"x"}', {"bad_frame"}),
    ('{"type":"send","client_msg_id":"' + FIXED_ID + '","body":"x","conversation":true}', {"bad_frame"}),
    ('{"type":"send","type":"send","client_msg_id":"' + FIXED_ID + '","body":[]}', {"bad_body", "bad_frame"}),
    ('{"__proto__":{"type":"ping"}}', {"bad_frame"}),
]
