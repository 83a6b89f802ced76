from common.errors import Refusal


class TicketError(Refusal):
    """A refusal the page or the API shows as is (bad value, not allowed). The detail comes first here: most
    tickets refusals are `invalid`."""

    def __init__(self, detail: str, *, code: str = "invalid"):
        super().__init__(code, detail)
