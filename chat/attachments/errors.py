"""Refusals of an upload or of a send with attachments: a code clients branch on, an HTTP status, and plain words.

The words are English msgids, said in the reader's language where they are shown (chat/errors.py lists them with
the sockets' own, so the catalogue test keeps them translated; the upload view translates them itself)."""

from django.utils.translation import gettext_noop

from common.errors import Refusal

TOO_BIG = gettext_noop("this file is larger than the limit of %(limit)s")
TOO_MANY_PIXELS = gettext_noop("this picture is too large to open safely")
NOT_ALLOWED = gettext_noop("only pictures (PNG, JPEG, WebP, GIF, HEIC) and PDF files can be sent")
NOT_WHAT_IT_SAYS = gettext_noop("this file is damaged, or it is not the kind of file it says it is")
ACTIVE_PDF = gettext_noop("this PDF holds scripts, actions or embedded files, so it cannot be sent")
TOO_FAST = gettext_noop("too many files at once; wait a minute and try again")
TOO_MANY_WAITING = gettext_noop("too many files are waiting to be sent; send or remove some first")
NO_SUCH = gettext_noop("no such attachment")
TOO_MANY_IN_ONE = gettext_noop("at most 10 attachments in one message")
NO_CREDENTIALS = gettext_noop("sign in, or send the widget's token")
LINK_EXPIRED = gettext_noop("this link has expired; open the chat again for a fresh one")
LINK_INVALID = gettext_noop("this link is not valid")
CSRF_FAILED = gettext_noop("the CSRF check failed; reload the page")

DETAILS = frozenset(
    {
        TOO_BIG,
        TOO_MANY_PIXELS,
        NOT_ALLOWED,
        NOT_WHAT_IT_SAYS,
        ACTIVE_PDF,
        TOO_FAST,
        TOO_MANY_WAITING,
        NO_SUCH,
        TOO_MANY_IN_ONE,
        NO_CREDENTIALS,
        LINK_EXPIRED,
        LINK_INVALID,
        CSRF_FAILED,
    }
)

STATUS = {
    "too_large": 413,
    "unsupported_type": 415,
    "rate_limited": 429,
    "not_found": 404,
    "bad_request": 400,
    "unauthorized": 401,
    "forbidden": 403,
    "expired": 403,
}


class AttachmentRefused(Refusal):
    """An upload refused; `params` fill the detail's placeholders once it is translated."""

    def __init__(self, code: str, detail: str, **params):
        super().__init__(code, detail)
        self.args = (detail % params if params else detail,)
        self.params = params

    @property
    def status(self) -> int:
        return STATUS.get(self.code, 400)
