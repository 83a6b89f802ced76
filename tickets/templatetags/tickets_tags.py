"""How a timeline event reads on a page: one sentence in the reader's language (tickets/timeline_words.py)."""

from django import template

from tickets import timeline_words

register = template.Library()


@register.filter
def event_sentence(event, customer_name: str = "") -> str:
    return timeline_words.sentence(event, customer_name)
