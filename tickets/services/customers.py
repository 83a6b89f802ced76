"""Customers as the exchange knows them: who they are, their deposit addresses, their deposits and withdrawals."""

from datetime import datetime
from decimal import Decimal, InvalidOperation

from tickets.models import AccountActivity, Customer, DepositAddress
from tickets.services.errors import Conflict

CUSTOMER_FIELDS = ("name", "email", "phone", "locale", "vip")


def customer_upsert(*, external_id: str, **fields) -> Customer:
    """Create the customer or refresh what the exchange tells us (blank values never erase known ones)."""
    external_id = str(external_id).strip()
    if not external_id:
        raise ValueError("a customer needs the exchange's user id")
    values = {
        key: str(fields[key])[: Customer._meta.get_field(key).max_length]  # cut to the column, whatever the caller
        for key in CUSTOMER_FIELDS
        if fields.get(key) not in (None, "")
    }
    customer, created = Customer.objects.get_or_create(external_id=external_id, defaults=values)
    changed = {key: value for key, value in values.items() if getattr(customer, key) != value}
    if not created and changed:
        for key, value in changed.items():
            setattr(customer, key, value)
        customer.save(update_fields=[*changed, "updated_at"])
    return customer


def deposit_address_upsert(*, customer: Customer, chain: str, address: str, memo: str = "") -> DepositAddress:
    """Record that `address` (+ memo) on `chain` belongs to `customer`. EVM addresses are stored lower-case."""
    chain, address, memo = chain.strip(), address.strip(), (memo or "").strip()
    if not chain or not address:
        raise ValueError("a deposit address needs a chain and an address")
    if address.startswith("0x"):
        address = address.lower()
    found, created = DepositAddress.objects.get_or_create(
        chain=chain, address=address, memo=memo, defaults={"customer": customer}
    )
    if not created and found.customer_id != customer.pk:
        raise Conflict(f"{chain}:{address} already belongs to another customer")
    return found


def activity_upsert(
    *,
    customer: Customer,
    external_id: str,
    kind: str,
    asset: str,
    network: str,
    amount,
    status: str,
    occurred_at: datetime,
    txid: str = "",
    destination_address: str = "",
) -> tuple[AccountActivity, bool]:
    """Store a deposit or withdrawal, idempotent by the exchange's id: a repeat refreshes status and TXID."""
    external_id = str(external_id).strip()
    if not external_id:
        raise ValueError("an activity needs the exchange's id")
    if kind not in AccountActivity.Kind.values:
        raise ValueError(f"kind must be one of {', '.join(AccountActivity.Kind.values)}")
    try:
        amount = Decimal(str(amount))
    except InvalidOperation as exc:
        raise ValueError(f"amount {amount!r} is not a number") from exc
    values = {
        "customer": customer,
        "kind": kind,
        "asset": asset.strip().upper()[:20],
        "network": network.strip()[:32],
        "amount": amount,
        "status": status.strip()[:32],
        "occurred_at": occurred_at,
        "txid": (txid or "").strip()[:128],
        "destination_address": _address((destination_address or "").strip()[:128]),
    }
    found = AccountActivity.objects.filter(external_id=external_id).first()
    if found is not None and found.customer_id != customer.pk:
        raise Conflict(f"activity {external_id} belongs to another customer")
    activity, created = AccountActivity.objects.update_or_create(external_id=external_id, defaults=values)
    return activity, created


def _address(address: str) -> str:
    """EVM addresses are stored lower-case (as deposit addresses are): comparisons never trip on the checksum case."""
    return address.lower() if address.startswith("0x") else address
