"""One kind of refusal for every app (docs/architecture.md, "Refusals")."""


class Refusal(Exception):
    """A refusal its caller can show: `code` is stable (clients and pages branch on it), `detail` is plain English
    words. Where a person reads it, it is translated there (the details marked with gettext_noop have entries).

    Each app raises its own subclass (ChatError, TicketError, RecoveryError, PnlError, ...), so that a caller can
    tell whose rule refused, and one handler can answer them all."""

    def __init__(self, code: str, detail: str):
        super().__init__(detail)
        self.code = code
        self.detail = detail
