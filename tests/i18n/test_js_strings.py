"""The JavaScript's strings: every `_("…")` has a catalogue entry, and every language has both catalogues."""

import re
from pathlib import Path

from tests.i18n.catalogues import DOMAINS, LANGUAGES, ROOT, entries

APPS = ("accounts", "tickets", "chat", "recovery", "pnl", "supervisor")
JS_FILES = sorted((ROOT / "static").glob("**/*.js")) + sorted(
    path for app in APPS for path in (ROOT / app / "static").glob("**/*.js")
)
JS_CALL = re.compile(r'\b(?:_|gettext_noop)\(\s*"((?:[^"\\]|\\.)*)"')
# Server-rendered words the widget re-translates in the customer's language (i18n.js translatePage).
TEMPLATES = sorted((ROOT / "templates" / "chat").glob("*.html"))
DATA_I18N = re.compile(r'data-i18n(?:-placeholder|-label|-title)?="([^"]*)"')


def test_every_string_the_javascript_asks_for_is_in_the_catalogue():
    """`_("…")` in a module without a catalogue entry would stay English: makemessages -d djangojs was forgotten."""
    known = {entry["msgid"] for entry in entries("ru", "djangojs")}
    asked = {(path.name, text) for path in JS_FILES for text in JS_CALL.findall(path.read_text(encoding="utf-8"))}
    assert {text for _name, text in asked} - known == set()
    assert {name for name, _text in asked} >= {"widget.js", "console.js", "cards.js"}


def test_every_word_the_widget_retranslates_is_in_the_catalogue():
    """A data-i18n attribute whose msgid makemessages dropped would stay in the browser's language."""
    known = {entry["msgid"] for entry in entries("ru", "djangojs")}
    marked = {text for path in TEMPLATES for text in DATA_I18N.findall(path.read_text(encoding="utf-8"))}
    assert marked, "the widget template marks its words with data-i18n"
    assert marked - known == set()


def test_every_language_in_settings_has_catalogues(settings):
    assert [code for code, _name in settings.LANGUAGES] == list(LANGUAGES)
    for folder in LANGUAGES.values():
        for domain in DOMAINS:
            assert (Path(settings.LOCALE_PATHS[0]) / folder / "LC_MESSAGES" / f"{domain}.po").is_file()
