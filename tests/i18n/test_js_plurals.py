# ruff: noqa: RUF001 (Russian words are Cyrillic)
"""Counts and lengths of time in the JavaScript (static/js/i18n.js): ngettext picks a plural form with the
catalogue's own Plural-Forms rule (Russian four forms, Arabic six, Chinese one, Bengali and Filipino two), and
every ngettext string has all its language's forms in every catalogue."""

import gettext
import json
import re
import subprocess

import pytest

from tests.conftest import require
from tests.i18n.catalogues import LANGUAGES, ROOT, TRANSLATED, entries

I18N_JS = ROOT / "static" / "js" / "i18n.js"
NGETTEXT = re.compile(r'\bngettext\(\s*"((?:[^"\\]|\\.)*)",\s*"((?:[^"\\]|\\.)*)"')
JS_FILES = sorted(path for path in (ROOT / "static").glob("**/*.js") if path != I18N_JS)  # i18n.js: its examples
NUMBERS = range(0, 230)
# The number of forms each language's rule gives (docs/i18n.md); Russian's fourth is for fractions only.
FORMS = {"en": 2, "ru": 4, "ar": 6, "zh-hans": 1, "bn": 2, "fil": 2}
WHOLE_NUMBER_FORMS = {**FORMS, "ru": 3}


def _header(folder: str) -> tuple[int, str]:
    """(nplurals, the plural expression) from a djangojs catalogue's Plural-Forms header."""
    text = (ROOT / "locale" / folder / "LC_MESSAGES" / "djangojs.po").read_text(encoding="utf-8")
    header = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', text.split("\n\n")[0]))
    found = re.search(r"nplurals=(\d+);\s*plural=(.*?);?\\n", header)
    return int(found[1]), found[2].strip()


def _rules_in_javascript(expressions: dict[str, str]) -> dict[str, list[int]]:
    script = (
        f"const m = await import({json.dumps(I18N_JS.as_uri())});"
        f"const rules = {json.dumps(expressions)}; const out = {{}};"
        "for (const [k, e] of Object.entries(rules)) {"
        f"  const f = m.pluralRule(e); out[k] = [...Array({len(NUMBERS)}).keys()].map(f);"
        "}"
        "console.log(JSON.stringify(out));"
    )
    done = subprocess.run(
        ["node", "--input-type=module", "-e", script], capture_output=True, text=True, check=True, timeout=30
    )
    return json.loads(done.stdout)


def test_the_javascript_reads_every_catalogues_plural_rule_as_gettext_does():
    require("node")
    expressions = {lang: _header(folder)[1] for lang, folder in LANGUAGES.items()}
    in_javascript = _rules_in_javascript(expressions)
    for lang, expression in expressions.items():
        rule = gettext.c2py(expression)
        assert in_javascript[lang] == [rule(n) for n in NUMBERS], lang
        assert len(set(in_javascript[lang])) == WHOLE_NUMBER_FORMS[lang], lang  # every form is reached
        assert _header(LANGUAGES[lang])[0] == FORMS[lang]


def _ngettext_calls() -> set[tuple[str, str]]:
    return {call for path in JS_FILES for call in NGETTEXT.findall(path.read_text(encoding="utf-8"))}


def test_a_count_in_the_javascript_goes_through_ngettext():
    assert ("At most {n} file in one message.", "At most {n} files in one message.") in _ngettext_calls()
    hand_made = [
        (path.name, text)
        for path in JS_FILES
        for text in re.findall(r'\b_\(\s*"((?:[^"\\]|\\.)*)"', path.read_text(encoding="utf-8"))
        if "(s)" in text or re.search(r"\{\w+\} (?:min|h|s|sec|hours?|minutes?|seconds?)\b", text)
    ]
    assert hand_made == []


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_ngettext_string_has_each_form_of_the_language(lang):
    found = {e["msgid"]: e for e in entries(LANGUAGES[lang], "djangojs") if e["msgid_plural"]}
    for singular, plural in _ngettext_calls():
        entry = found.get(singular)
        assert entry is not None and entry["msgid_plural"] == plural, singular
        assert len(entry["msgstr"]) == FORMS[lang] and all(entry["msgstr"]), (singular, entry["msgstr"])
        assert "fuzzy" not in entry["flags"]


@pytest.mark.django_db
def test_the_served_catalogue_carries_the_rule_and_the_forms(client):
    data = client.get("/i18n/ru.json").json()
    assert gettext.c2py(data["plural"])(21) == 0 and gettext.c2py(data["plural"])(5) == 2
    forms = data["catalog"]["At most {n} file in one message."]
    assert len(forms) == 4 and forms[2] == "Не больше {n} файлов в одном сообщении."
