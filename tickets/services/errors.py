from common.errors import Refusal


class TicketError(Refusal):
    """A refusal the page or the API shows as is (bad value, not allowed). The detail comes first here: most
    tickets refusals are `invalid`."""

    def __init__(self, detail: str, *, code: str = "invalid"):
        super().__init__(code, detail)


class Conflict(Refusal, ValueError):
    """The request clashes with what the helpdesk holds (an address or a movement of another customer). Still a
    ValueError, as the CSV import reads it."""

    def __init__(self, detail: str):
        super().__init__("conflict", detail)
