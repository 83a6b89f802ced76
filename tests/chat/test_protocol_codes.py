"""Every error code the chat sends is documented: a client written from docs/protocol.md branches on `code`, so a
code that is not in its table is one that client cannot handle."""

import ast
import re

from tests.conftest import ROOT

RAISERS = ("ChatError", "FrameError", "send_error")
# Raised in chat/services/feedback.py but only answered over HTTP, by the survey answer (documented in docs/chat.md).
SURVEY_ONLY = {"still_open", "bad_answer"}


def _codes_sent() -> set[str]:
    codes = set()
    for path in sorted((ROOT / "chat").rglob("*.py")):  # every module: a split or a new one is still read
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call) or not node.args or not isinstance(node.args[0], ast.Constant):
                continue
            if (getattr(node.func, "id", None) or getattr(node.func, "attr", None)) in RAISERS:
                codes.add(node.args[0].value)
    return codes


def _documented_codes() -> set[str]:
    text = (ROOT / "docs" / "protocol.md").read_text()
    table = text[text.index("| code | meaning |") :].split("\n\n")[0]
    return {code for row in table.splitlines()[2:] for code in re.findall(r"`([a-z_]+)`", row.split("|")[1])}


def test_every_code_a_socket_sends_is_in_the_protocols_table():
    sent = _codes_sent()
    assert {"bad_kind", "hello_required", "rate_limited", "unauthorized"} <= sent, "the scan finds the raisers"
    assert sent - SURVEY_ONLY - _documented_codes() == set()


def test_the_table_lists_no_code_that_is_never_sent():
    assert _documented_codes() - _codes_sent() == set()


def test_the_survey_answers_codes_are_documented_with_it():
    chat_doc = (ROOT / "docs" / "chat.md").read_text()
    assert _codes_sent() >= SURVEY_ONLY
    assert all(f"`{code}`" in chat_doc for code in SURVEY_ONLY)
