"""Cards and lines the chat itself posts (docs/cards.md).

Every reader reads them in their own language: the customer in the chat's, staff in the console's. A builder here
(and in other apps: recovery's walkthrough, the P&L card) writes in the active language and returns
(body, payload); `posted` runs it once in the customer's language, which is what is stored and sent to the
customer, and once for each other language staff may read, kept beside it (`Message.renders`) for staff frames,
transcripts and the console's "as the customer sees it" view.
"""

from collections.abc import Callable

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from chat.models import Conversation

Built = tuple[str, dict | None]


def customer_language(conversation: Conversation):
    """The chat's language (the customer's), active for the `with` block."""
    return translation.override(conversation.locale or conversation.customer.locale or "en")


def in_every_language(conversation: Conversation, build: Callable):
    """(what `build()` returns in the customer's language, {lang: the same in another language staff may read}),
    the second only for the languages where it reads differently."""
    with customer_language(conversation):
        theirs = build()
    return theirs, _where_it_differs(theirs, build)


def _where_it_differs(base, build: Callable) -> dict:
    """{lang: what `build()` returns in lang} for each of our languages in which it differs from `base`."""
    others = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            other = build()
        if other != base:
            others[code] = other
    return others


def posted(conversation: Conversation, build: Callable[[], Built]) -> dict:
    """The keyword arguments that store a system line or card for every reader: body, payload, renders."""
    (body, payload), others = in_every_language(conversation, build)
    renders = {code: _render(*other) for code, other in others.items()}
    return {"body": body, "payload": payload, "renders": renders or None}


def staff_line(build: Callable[[], str]) -> dict:
    """The keyword arguments that store a line only staff read (the helpdesk's words around a hand-off note): the
    body in the site's language, and the same in each other language that reads differently (`renders`)."""
    with translation.override(settings.LANGUAGE_CODE):
        body = build()
    renders = {code: {"body": other} for code, other in _where_it_differs(body, build).items()}
    return {"body": body, "renders": renders or None}


def _render(body: str, payload: dict | None) -> dict:
    return {"body": body, "payload": payload} if payload is not None else {"body": body}


def joined(name: str) -> Built:
    """The system line when a person takes the chat."""
    return _("%(name)s joined the chat.") % {"name": name}, None


def ended(name: str, by_role: str) -> Built:
    return _("%(name)s ended the chat.") % {"name": name}, {"type": "ended", "by": by_role}


def survey(conversation: Conversation) -> Built:
    card = {
        "type": "survey.heard",
        "title": _("Did you feel heard?"),
        "blocks": [
            {"text": _("Your answer helps us care for the next person who writes to us.")},
            {
                "choices": [
                    {"value": "yes", "label": _("Yes")},
                    {"value": "partly", "label": _("Partly")},
                    {"value": "no", "label": _("No")},
                ]
            },
            {
                # Sent with the answer (before or after it is chosen), never as an answer of its own.
                "input": {
                    "name": "comment",
                    "label": _("Anything you want to add? (optional)"),
                    "placeholder": "",
                    "with_choice": True,
                }
            },
        ],
        "action": {
            "url": reverse("chat_survey", args=[conversation.pk]),
            "step": "heard",
            "audience": "customer",
        },
    }
    return card["title"], card


def survey_card(conversation: Conversation) -> dict:
    """The "Did you feel heard?" card as the customer reads it."""
    with customer_language(conversation):
        return survey(conversation)[1]
