class TicketError(Exception):
    """A refusal the page or the API shows as is (bad value, not allowed)."""

    def __init__(self, detail: str, *, code: str = "invalid"):
        super().__init__(detail)
        self.detail = detail
        self.code = code


class Conflict(ValueError):
    """The request clashes with what the helpdesk holds (an address or a movement of another customer)."""
