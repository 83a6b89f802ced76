"""A customer's contact details as staff first see them: masked until someone with a reason reveals them
(docs/SECURITY.md, "Customer data nobody browses").

Masked: the e-mail address and the phone number. Not masked: the name (agents greet people), the exchange's user id,
and deposit addresses and TXIDs, which are the customer's crypto addresses, needed for the support work itself
(wrong-network lookups, address poisoning) and useless for finding or impersonating the person. The customer model
holds no postal address; one added later must be masked here too.
"""

import re

DOT = "•"
_DIGIT = re.compile(r"\d")


def mask_email(email: str) -> str:
    """`alice.moreau@example.com` → `a•••@e•••.com`: enough to say "the one ending .com", not enough to write to."""
    local, _, domain = (email or "").partition("@")
    if not local or not domain:
        return DOT * 3 if email else ""
    name, dot, tld = domain.rpartition(".")
    shown_domain = f"{name[:1]}{DOT * 3}{dot}{tld}" if name else f"{domain[:1]}{DOT * 3}"
    return f"{local[:1]}{DOT * 3}@{shown_domain}"


def mask_phone(phone: str) -> str:
    """`+7 912 345-67-89` → `+• ••• •••-••-89`: the last two digits (to confirm with the customer), no more."""
    digits = _DIGIT.findall(phone or "")
    keep = 2 if len(digits) > 4 else 0
    seen, shown = 0, []
    for char in phone or "":
        if char.isdigit():
            seen += 1
            char = char if seen > len(digits) - keep else DOT
        shown.append(char)
    return "".join(shown)
