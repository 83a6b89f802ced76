"""Address poisoning: a look-alike of one of the customer's own addresses.

The attacker sends the victim a worthless transfer from an address whose first and last characters match an address
the victim uses, so that it sits in the wallet's history; people copy the recipient from there and check only the
ends. The funds then go to the attacker, irreversibly. A transfer whose recipient is not the customer's but shares the
first and last HELPDESK_POISONING_MATCH characters (after 0x, any case) with one of their known addresses — deposit
addresses and earlier withdrawal destinations — is that. Whether the look-alike holds code does not matter.
"""

import re
from collections.abc import Iterable

_EVM = re.compile(r"0x[0-9a-f]{40}")


def lookalike_of(address: str, known: Iterable[str], match: int) -> str:
    """The known address that `address` imitates, or "" when it imitates none (or is one of them)."""
    address = (address or "").lower()
    if match < 1 or not _EVM.fullmatch(address):
        return ""
    known = [k.lower() for k in known if _EVM.fullmatch((k or "").lower())]
    if address in known:
        return ""
    head, tail = address[2 : 2 + match], address[-match:]
    return next((k for k in known if k[2 : 2 + match] == head and k[-match:] == tail), "")
