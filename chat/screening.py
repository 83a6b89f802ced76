"""What the chat does with common.safety's findings (docs/SECURITY.md): a customer's words lose any wallet secret before
they are stored or sent, the customer is told at once what to do, agents never ask for a secret, and links to
look-alike domains are flagged for staff.

The stored body is the record: `[seed phrase removed]` / `[private key removed]` stand where the secret was, and the
`redacted` field of a message frame is read back from those markers, so a live frame and a replayed one always
agree (docs/protocol.md). A customer who types a marker themselves gets it with round brackets instead, so a marker
in a customer's stored words always means that the helpdesk removed something.
"""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from chat.errors import supported_language
from common.safety.lookalikes import find_lookalikes
from common.safety.secrets import MARKERS, SEED_PHRASE, Redacted, redact

SECRET_CARD = "safety.secret_removed"
_TYPED_MARKERS = {marker: "(" + marker[1:-1] + ")" for marker in MARKERS.values()}


def customer_text(body: str) -> Redacted:
    """A customer's words as they may be stored: secrets replaced by markers (common.safety.secrets)."""
    for marker, typed in _TYPED_MARKERS.items():
        if marker in body:
            body = body.replace(marker, typed)
    return redact(body)


def redacted_kinds(body: str) -> list[str]:
    """The kinds of secret removed from a customer's stored words, read from its markers (in MARKERS' order)."""
    if "[" not in body:
        return []
    return [kind for kind, marker in MARKERS.items() if marker in body]


def secret_warning_card(kinds: list[str] | tuple[str, ...], language: str) -> dict:
    """The card the customer reads at once, in their language: support never asks, the wallet is exposed, what now."""
    with translation.override(supported_language(language) or "en"):
        return secret_warning(kinds)[1]


def secret_warning(kinds: list[str] | tuple[str, ...]) -> tuple[str, dict]:
    """(body, payload) of that card in the active language (chat.cards.posted builds it for every reader)."""
    if SEED_PHRASE in kinds:
        title = _("We removed your recovery phrase from the chat")
    else:
        title = _("We removed your private key from the chat")
    lines = [
        _(
            "Support will never ask for your recovery (seed) phrase or a private key. "
            "Anyone who does is trying to steal your funds."
        ),
        _("Nobody here can see what you pasted, but it has left your device: treat that wallet as exposed."),
        _(
            "Do this now: on a clean device, create a new wallet with a new recovery phrase, "
            "move all your funds to it, and stop using the old wallet."
        ),
    ]
    card = {"type": SECRET_CARD, "kinds": list(kinds), "title": title, "blocks": [{"text": line} for line in lines]}
    return title, card


# --- Look-alike links ---------------------------------------------------------------------------------------------


def lookalikes_in(body: str) -> list[dict]:
    """Hosts in `body` imitating HELPDESK_OFFICIAL_DOMAINS, for staff frames. Nothing at all when the list is empty."""
    official = settings.OFFICIAL_DOMAINS
    if not official or "." not in body:
        return []
    return [{"host": f.host, "imitates": f.imitates, "how": f.how} for f in find_lookalikes(body, official)]


def defanged(host: str) -> str:
    """`evil.com` written `evil[.]com`: readable, never a link, and not flagged again when the warning is shown."""
    return host.replace(".", "[.]")


def lookalike_warning(host: str, imitates: str, language: str) -> str:
    """The ready-made warning an agent sends with one click, in the customer's language."""
    with translation.override(supported_language(language) or "en"):
        return _(
            "Please be careful: %(host)s is not our website. It imitates %(official)s to steal logins and funds. "
            "Do not open it or enter anything there, and never share your recovery phrase, password or codes."
        ) % {"host": defanged(host), "official": imitates}
