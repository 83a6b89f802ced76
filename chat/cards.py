"""Cards the chat itself posts (docs/cards.md). Texts are in the customer's language."""

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from chat.models import Conversation


def customer_language(conversation: Conversation):
    """Whatever the agent reads, a chat's cards and lines are written (and stored) in the customer's language."""
    return translation.override(conversation.locale or conversation.customer.locale or "en")


def joined_line(conversation: Conversation, name: str) -> str:
    """The system line a customer reads when a person takes their chat, in the customer's language."""
    with customer_language(conversation):
        return _("%(name)s joined the chat.") % {"name": name}


def ended_line(conversation: Conversation, name: str) -> str:
    with customer_language(conversation):
        return _("%(name)s ended the chat.") % {"name": name}


def survey_card(conversation: Conversation) -> dict:
    with customer_language(conversation):
        return {
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
