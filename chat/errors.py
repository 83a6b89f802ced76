"""Error details people read, in their language.

The widget shows an error frame's `detail` as it comes (static/widget/widget.js: a notice, or "Not sent: …" under a
message), and so does the console (static/js/console.js: a toast, or "Not sent: …"), so each socket says it in its
reader's language (docs/i18n.md): the widget token's language for a customer, the console page's for an agent.
Details are raised in English where they happen (chat/services/, chat/consumers/, chat/access.py): developers
read them in logs and tests. The ones a person can meet are listed here, so that makemessages keeps them; a detail
that names a frame's field (only a broken client meets it) stays English.
"""

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

from chat.attachments.errors import DETAILS as ATTACHMENT_DETAILS

CUSTOMER_DETAILS = frozenset(
    {
        # chat/services/ (messages.py, shared.py), on a customer's message
        gettext_noop("body must be a string"),
        gettext_noop("a message needs some text"),
        gettext_noop("this client_msg_id belongs to another message"),
        gettext_noop("no such conversation"),
        gettext_noop("this conversation has ended; send without one to start anew"),
        gettext_noop("this conversation has ended"),
        gettext_noop("could not store that; it is safe to retry"),
        # chat/services/feedback.py, the survey answer (chat/views.py)
        gettext_noop("answer yes, partly or no"),
        gettext_noop("the question comes when the chat has ended"),
        # chat/consumers/ (parsing.py, widget.py), the widget's socket
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
        gettext_noop("the token's name, email, locale and vip must be text"),
        gettext_noop("the token holds a NUL character or invalid unicode"),
        gettext_noop("the token's user id (sub) is longer than 128 characters"),
    }
)
# What only the agent's socket refuses (chat/services/); it also meets the shared ones above.
STAFF_DETAILS = frozenset(
    {
        gettext_noop("accept this conversation before replying to the customer"),
        gettext_noop("kind must be text or note"),
        gettext_noop("only staff may write here"),
        gettext_noop("another agent has already accepted this conversation"),
        gettext_noop("say a few words to the next agent about where things stand"),
        gettext_noop("no such agent"),
        gettext_noop("only the agent holding the chat can hand it off"),
        gettext_noop("this chat is already yours"),
        gettext_noop("only the agent holding the chat can end it"),
        # chat/services/messages.py: the one-click look-alike warning (chat/views.py) for a host that imitates nothing
        gettext_noop("this link does not imitate one of our domains"),
        # chat/services/messages.py: an agent's message asking the customer for a wallet or account secret
        gettext_noop(
            "support never asks for a seed phrase, private key, password or 2FA code, so this message was not sent; "
            "write it without asking for one"
        ),
    }
)
# Uploads and sends with files (chat/attachments/errors.py): both sides meet them.
LISTED = CUSTOMER_DETAILS | STAFF_DETAILS | ATTACHMENT_DETAILS
# Both a long message (chat/services/messages.py) and a frame too large (chat/consumers/parsing.py) mean: write less.
TOO_LONG = gettext_noop("a message may hold at most %(n)s characters")


def supported_language(code) -> str | None:
    """One of our LANGUAGES, as settings spell it, for a BCP 47 tag such as a token's `locale` claim (`ru-RU` ->
    `ru`, `zh-Hans-CN-u-nu-hanidec` -> `zh-hans`, `ar_EG` -> `ar`), else None. Django picks, as for a page."""
    if not isinstance(code, str) or not code:
        return None
    try:
        return translation.get_supported_language_variant(code.strip().replace("_", "-").lower())
    except LookupError:
        return None


def staff_language(scope: dict) -> str:
    """The language LocaleMiddleware picks for the console's page, from the agent socket's scope: the language
    cookie, then Accept-Language, among our LANGUAGES. Django's own function decides, so both always agree."""
    request = HttpRequest()
    request.COOKIES = scope.get("cookies") or {}
    accept = dict(scope.get("headers") or []).get(b"accept-language", b"")
    request.META["HTTP_ACCEPT_LANGUAGE"] = accept.decode("latin-1")
    return translation.get_language_from_request(request)


def error_detail(code: str, detail: str, language: str = "") -> str:
    """`detail` as its reader reads it, in `language` (English when we do not have it)."""
    with translation.override(supported_language(language) or "en"):
        if code == "too_long":
            return gettext(TOO_LONG) % {"n": settings.CHAT_MAX_BODY}
        return gettext(detail) if detail in LISTED else detail
