"""The catalogues themselves: complete where customers and agents read them, placeholders intact, real text."""

import re

import pytest

from chat import errors
from tests.i18n.catalogues import DOMAINS, LANGUAGES, TRANSLATED, entries

# Server-rendered text a customer or an agent at the console reads: it must exist in every language.
CUSTOMER_AND_CONSOLE = (
    "templates/chat/",
    "templates/accounts/",
    "accounts/",  # sign-in, second step, enrolment and sessions messages
    "templates/base.html",
    "chat/cards.py",
    "chat/errors.py",  # refusals on both sockets and the survey answer
    "chat/screening.py",  # the warning a customer reads when a secret was removed, the look-alike warning
    # the wrong-network walkthrough, its verdicts and its refusals (docs/i18n.md)
    "recovery/walkthrough.py",
    "recovery/walkthrough_cards.py",
    "recovery/verdicts.py",
    "recovery/txid.py",
    "recovery/selectors.py",
    "recovery/models.py",
    "recovery/views.py",
    "recovery/services.py",
    # staff pages: timelines as sentences (tickets/timeline_words.py and each app's), transcripts, case pages
    "tickets/timeline_words.py",
    "chat/timeline_words.py",
    "recovery/timeline_words.py",
    "pnl/timeline_words.py",
    "recovery/pages.py",
    "recovery/templates/",
    "templates/supervisor/transcript.html",
    "templates/tickets/",
    # a refusal at the door (a NUL character, broken text) reaches the widget's customer too
    "helpdesk/middleware.py",
    "helpdesk/errors.py",
    "templates/error.html",
)
PLACEHOLDER = re.compile(r"\{\w+\}|%\(\w+\)[sd]")
# Each language's script: a translation with none of it is English left in by mistake.
SCRIPT = {"ru": "[\u0400-\u04ff]", "ar": "[\u0600-\u06ff]", "zh-hans": "[\u4e00-\u9fff]", "bn": "[\u0980-\u09ff]"}
# Words kept as they are in that script's catalogue on purpose (names of things, keys on a keyboard).
KEPT_LATIN = {"VIP"}


def _needed(entry: dict, domain: str) -> bool:
    return domain == "djangojs" or any(ref.startswith(CUSTOMER_AND_CONSOLE) for ref in entry["refs"])


def _done(entry: dict) -> bool:
    return all(entry["msgstr"]) and "fuzzy" not in entry["flags"]


@pytest.mark.parametrize("lang", TRANSLATED)
@pytest.mark.parametrize("domain", DOMAINS)
def test_every_customer_and_console_string_is_translated(lang, domain):
    missing = [
        entry["msgid"] for entry in entries(LANGUAGES[lang], domain) if _needed(entry, domain) and not _done(entry)
    ]
    assert missing == []


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_listed_error_detail_is_in_the_catalogue(lang):
    """Listed in chat/errors.py (a customer's or an agent's refusal) but makemessages forgotten: caught here."""
    done = {entry["msgid"] for entry in entries(LANGUAGES[lang], "django") if _done(entry)}
    assert (errors.LISTED | {errors.TOO_LONG}) - done == set()


@pytest.mark.parametrize("lang", TRANSLATED)
@pytest.mark.parametrize("domain", DOMAINS)
def test_placeholders_survive_translation(lang, domain):
    checked = 0
    for entry in entries(LANGUAGES[lang], domain):
        wanted = sorted(PLACEHOLDER.findall(entry["msgid_plural"] or entry["msgid"]))
        forms = [text for text in entry["msgstr"] if text]
        for text in forms:
            found = sorted(PLACEHOLDER.findall(text))
            if entry["msgid_plural"]:
                # Arabic says "خطوتان" (two steps) with no number: a form may drop one, never invent one.
                assert set(found) <= set(wanted), (entry["msgid"], text)
            else:
                assert found == wanted, (entry["msgid"], text)
            checked += 1
        if entry["msgid_plural"] and forms:
            assert sorted(PLACEHOLDER.findall(forms[-1])) == wanted, (entry["msgid"], forms[-1])
    assert checked > 0


@pytest.mark.parametrize("lang", sorted(SCRIPT))
@pytest.mark.parametrize("domain", DOMAINS)
def test_translations_are_written_in_the_language(lang, domain):
    script = re.compile(SCRIPT[lang])
    latin_only = [
        text
        for entry in entries(LANGUAGES[lang], domain)
        for text in filter(None, entry["msgstr"])
        if not script.search(text) and text not in KEPT_LATIN
    ]
    assert latin_only == []


@pytest.mark.parametrize(
    ("lang", "status", "priority"),
    [("ru", "Открыто", "Срочный"), ("ar", "مفتوحة", "عاجلة"), ("zh-hans", "处理中", "紧急")],
)
def test_ticket_status_and_priority_labels_follow_the_page_language(lang, status, priority):
    """The console's ticket sidebar shows these labels; a status is not the plural filter word ("Открытые")."""
    from django.utils import translation

    from tickets.models import Ticket

    with translation.override(lang):
        assert (str(Ticket.Status.OPEN.label), str(Ticket.Priority.URGENT.label)) == (status, priority)
