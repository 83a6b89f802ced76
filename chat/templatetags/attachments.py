from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def attachment_max_bytes() -> int:
    """HELPDESK_ATTACHMENT_MAX_BYTES, so that the widget and the console refuse a file too large before uploading."""
    return settings.ATTACHMENT_MAX_BYTES
