"""Staff read timelines and transcripts as sentences in their own language (tickets/timeline_words.py): the demo's
history, rendered in every language, holds no raw key (`under_review`, `chat.transferred`), no thing named by its
database id alone ("chat 87", "message_id: 686") and no amount with more than eight decimals (14.000000000000000000).
The helpdesk's own lines and cards read in the reader's language, with the customer's version beside them."""

import html
import io
import json
import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from accounts.models import User
from chat.models import Conversation
from tickets import timeline_words
from tickets.models import Ticket, TimelineEvent

pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _name in settings.LANGUAGES]
SNAKE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")
DOTTED_KEY = re.compile(r"\b(?:chat|ticket|recovery|pnl|survey)\.[a-z_]+\b")
LONG_DECIMALS = re.compile(r"\d[.,]\d{9,}")
NUMBER = re.compile(r"(?<![\w#.,\u00a0\u202f])\d[\d.,\u00a0\u202f]*(?![\w])")
# A number that says how many of something is followed by what it counts: "250 USDT", "2 replies", "3 дня".
# An id-only mention puts the number after the thing instead ("chat 87", "message_id: 686").
COUNTED = re.compile(r"^[\s\u00a0]*[^\W\d_]")
ID_NOUNS = "chat|conversation|message|lookup|walkthrough|case|ticket|position"
ID_AFTER_NOUN = re.compile(rf"\b(?:{ID_NOUNS})s?\s*:?\s*\d+(?![\d.,]*\s*[^\W\d_])", re.I)  # not "…: 14 USDT"
# A case or ticket is named by its number, as people say it: "#12", "№12", "رقم 12".
NUMBERED = ("#", "№", "رقم ")
SENTENCE = re.compile(r'<(?:div|span) class="(?:entry-text|tk-sentence)"[^>]*>(.*?)</(?:div|span)>', re.S)


def problems(text: str) -> list[str]:
    """What a person should never have to decode in a sentence meant for them."""
    found = [f"raw key {m}" for m in SNAKE.findall(text) + DOTTED_KEY.findall(text)]
    found += [f"more than 8 decimals: {m}" for m in LONG_DECIMALS.findall(text)]
    found += [f"named by its id: {m}" for m in ID_AFTER_NOUN.findall(text)]
    for match in NUMBER.finditer(text):
        if text[: match.start()].endswith(NUMBERED):
            continue
        if not COUNTED.match(text[match.end() :]):  # an amount says its asset, a count what it counts
            found.append(f"a bare number {match.group()!r}")
    return found


@pytest.fixture
def demo():
    call_command("seed_demo", stdout=io.StringIO())


def tickets_covering_every_event_kind() -> list[Ticket]:
    """The fewest tickets whose timelines hold every kind of event the demo has, the two stories first."""
    wanted = set(TimelineEvent.objects.values_list("kind", flat=True).distinct())
    stories = Ticket.objects.filter(
        customer__external_id__in=["hist-ar-recovery", "demo-ivan"], conversations__isnull=False
    )
    chosen, covered = [], set()
    for ticket in [*stories.distinct(), *Ticket.objects.order_by("pk")]:
        kinds = set(TimelineEvent.objects.filter(ticket=ticket).values_list("kind", flat=True))
        if ticket in chosen or (kinds <= covered and len(chosen) >= 2):
            continue
        chosen.append(ticket)
        covered |= kinds
    assert covered >= wanted
    return chosen


def test_every_event_kind_in_the_demo_is_described(demo):
    kinds = set(TimelineEvent.objects.values_list("kind", flat=True).distinct())
    assert {"recovery.case_status", "recovery.lookup_finished", "pnl.shared", "chat.transferred"} <= kinds
    assert kinds - timeline_words.described_kinds() == set()


def test_demo_timelines_and_transcripts_read_as_sentences_in_every_language(demo):
    tickets = tickets_covering_every_event_kind()
    found: dict[str, list[str]] = {}
    for lang in LANGUAGES:
        staff = Client(HTTP_ACCEPT_LANGUAGE=lang)
        staff.force_login(User.objects.get(email="supervisor@demo.test"))
        for ticket in tickets:
            for text in page_sentences(staff, ticket):
                if text and (not_fine := problems(text)):
                    found[f"{lang}: {text}"] = not_fine
        story_reads_in(lang, staff)
    assert found == {}


def plain(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", re.sub(r"<br\s*/?>", "\n", fragment))).strip()


def page_sentences(staff: Client, ticket: Ticket) -> list[str]:
    """The ticket's timeline, and each of its chats' transcript and JSON export."""
    page = staff.get(f"/tickets/{ticket.pk}/")
    assert page.status_code == 200
    sentences = [html.unescape(s).strip() for s in SENTENCE.findall(page.text)]
    for conversation in ticket.conversations.all():
        transcript = staff.get(f"/history/{conversation.pk}/")
        export = json.loads(staff.get(f"/history/{conversation.pk}/export.json").content)
        assert transcript.status_code == 200
        sentences += [plain(s) for s in SENTENCE.findall(transcript.text)]
        # Every event, and every line or card the helpdesk wrote (people's own words are theirs).
        sentences += [e["text"] for e in export["timeline"] if e["source"] == "event" or e["role"] == "system"]
    assert sentences
    return sentences


def story_reads_in(lang: str, staff: Client) -> None:
    """The wrong-network story (an Arabic customer): the helpdesk's lines and cards in the reader's language, the
    customer's version beside them."""
    story = Conversation.objects.get(customer__external_id="hist-ar-recovery")
    page = staff.get(f"/history/{story.pk}/").text
    with translation.override(lang):
        joined = gettext("%(name)s joined the chat.") % {"name": "Amir Rahman"}
        title = gettext("Found: sent on another network, and recoverable")
        beside = gettext("As the customer saw it")
    with translation.override("ar"):
        theirs = gettext("%(name)s joined the chat.") % {"name": "Amir Rahman"}
    assert html.escape(joined) in page and html.escape(title) in page, lang
    assert (html.escape(beside) in page and html.escape(theirs) in page) == (lang != "ar"), lang
