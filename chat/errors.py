"""Error details a customer reads, in the customer's language.

The widget shows an error frame's `detail` as it comes (static/widget/widget.js: a notice, or "Not sent: …" under a
message), so the customer's socket says it in the socket's language (docs/i18n.md). Details are raised in English
where they happen (chat/services.py, chat/consumers.py, chat/access.py): developers read them in logs and tests, and
the staff console gets them as raised. The ones a customer's socket can meet are listed here, so that makemessages
keeps them; a detail that names a frame's field (only a broken client meets it) stays English.
"""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

CUSTOMER_DETAILS = frozenset(
    {
        # chat/services.py, on a customer's message
        gettext_noop("body must be a string"),
        gettext_noop("a message needs some text"),
        gettext_noop("this client_msg_id belongs to another message"),
        gettext_noop("no such conversation"),
        gettext_noop("this conversation has ended; send without one to start anew"),
        gettext_noop("this conversation has ended"),
        gettext_noop("could not store that; it is safe to retry"),
        # chat/consumers.py, the widget's socket
        gettext_noop("send JSON text frames"),
        gettext_noop("the frame is not valid JSON"),
        gettext_noop('a frame is a JSON object with a "type"'),
        gettext_noop("the frame holds invalid unicode (a lone surrogate escape)"),
        gettext_noop("too many frames; slow down and retry"),
        gettext_noop('the first frame must be {"type":"hello","token":...}'),
        gettext_noop("this socket has already said hello"),
        gettext_noop("no open conversation"),
        gettext_noop("customers send text messages"),
        # chat/access.py, the widget token
        gettext_noop("a signed token is required"),
        gettext_noop("the token has expired; reload the page to get a new one"),
        gettext_noop("the token is not valid"),
        gettext_noop("the token has no subject"),
    }
)
# Both a long message (chat/services.py) and a frame too large (chat/consumers.py) mean: write less.
TOO_LONG = gettext_noop("a message may hold at most %(n)s characters")


def supported_language(code) -> str | None:
    """One of our LANGUAGES for a token's `locale` claim (`ru-RU` -> `ru`, `zh-CN` -> `zh-hans`), else None."""
    if not isinstance(code, str) or not code:
        return None
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None


def customer_detail(code: str, detail: str, locale: str = "") -> str:
    """`detail` as the customer reads it, in `locale` (English when we do not have it)."""
    with translation.override(supported_language(locale) or "en"):
        if code == "too_long":
            return gettext(TOO_LONG) % {"n": settings.CHAT_MAX_BODY}
        return gettext(detail) if detail in CUSTOMER_DETAILS else detail
