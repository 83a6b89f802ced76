"""How a timeline event reads on a page: one sentence in the reader's language (tickets/timeline_words.py); and an
account movement's status in it."""

from django import template
from django.utils.translation import pgettext_lazy

from tickets import timeline_words

register = template.Library()

# The exchange sends its own word for a movement's status (docs/api.md); the common ones read in the agent's language,
# any other as sent.
ACTIVITY_STATUS = {
    "pending": pgettext_lazy("deposit or withdrawal status", "pending"),
    "processing": pgettext_lazy("deposit or withdrawal status", "processing"),
    "completed": pgettext_lazy("deposit or withdrawal status", "completed"),
    "failed": pgettext_lazy("deposit or withdrawal status", "failed"),
    "cancelled": pgettext_lazy("deposit or withdrawal status", "cancelled"),
    "rejected": pgettext_lazy("deposit or withdrawal status", "rejected"),
}


@register.filter
def event_sentence(event, customer_name: str = "") -> str:
    return timeline_words.sentence(event, customer_name)


@register.filter
def activity_status(status: str) -> str:
    return str(ACTIVITY_STATUS.get(str(status).strip().lower(), status))
