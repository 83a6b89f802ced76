"""Demo data for tickets (called by `manage.py seed_demo`): the demo customers, their account activity and deposit
addresses, a few tickets in different states, canned replies.
Safe to run again: everything is keyed and only added once."""

import hashlib
from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from tickets import services
from tickets.models import CannedReply, Customer, Ticket

CUSTOMERS = [
    {"external_id": "demo-alice", "name": "Alice Moreau", "email": "alice@example.com", "locale": "en"},
    {"external_id": "demo-ivan", "name": "Иван Петров", "email": "ivan@example.com", "locale": "ru", "vip": "gold"},
    {"external_id": "demo-layla", "name": "ليلى حسن", "email": "layla@example.com", "locale": "ar"},
    {"external_id": "demo-wei", "name": "王伟", "email": "wei@example.com", "locale": "zh-hans"},
    {"external_id": "demo-maria", "name": "Maria Santos", "email": "maria@example.com", "locale": "fil"},
    {"external_id": "demo-rahim", "name": "রহিম উদ্দিন", "email": "rahim@example.com", "locale": "bn"},
    # chat/demo.py: his chat shows a look-alike link and a recovery phrase removed (docs/SECURITY.md)
    {
        "external_id": "demo-sam",
        "name": "Sam Okafor",
        "email": "sam.okafor@example.com",
        "phone": "+234 803 555 0142",
        "locale": "en",
    },
]
CHAINS = ["ethereum", "bsc", "tron"]

# (customer, exchange id, kind, asset, network, amount, status, hours ago)
ACTIVITY = [
    ("demo-alice", "demo-dep-1001", "deposit", "USDT", "bsc", "250", "completed", 50),
    ("demo-alice", "demo-wd-1002", "withdrawal", "USDT", "ethereum", "120.5", "completed", 30),
    ("demo-alice", "demo-dep-1003", "deposit", "USDT", "bsc", "1000", "pending", 2),
    ("demo-ivan", "demo-dep-2001", "deposit", "ETH", "ethereum", "3.2", "completed", 72),
    ("demo-ivan", "demo-wd-2002", "withdrawal", "USDT", "tron", "15000", "processing", 1),
    ("demo-layla", "demo-dep-3001", "deposit", "BNB", "bsc", "4.75", "completed", 20),
    ("demo-wei", "demo-wd-4001", "withdrawal", "USDC", "polygon", "800", "failed", 8),
    ("demo-maria", "demo-dep-5001", "deposit", "USDT", "tron", "60", "completed", 5),
]

# (customer, subject, status, priority, tags, assignee email, note)
TICKETS = [
    (
        "demo-ivan",
        "Withdrawal of 15,000 USDT still processing",
        "open",
        "urgent",
        ["withdrawal", "vip"],
        "amir@demo.test",
        "Finance confirmed the batch is queued; promised an update within the hour.",
    ),
    (
        "demo-wei",
        "USDC withdrawal failed on Polygon",
        "pending",
        "high",
        ["withdrawal"],
        "mei@demo.test",
        "Waiting for the customer to confirm the destination address.",
    ),
    ("demo-layla", "KYC documents rejected", "new", "normal", ["kyc"], None, ""),
    (
        "demo-alice",
        "Deposit arrived late",
        "solved",
        "normal",
        ["deposit"],
        "amir@demo.test",
        "Credited after 12 confirmations; explained the confirmation count.",
    ),
    ("demo-maria", "Question about trading fees", "closed", "low", ["fees"], "mei@demo.test", ""),
]

SHARED_REPLIES = [
    ("Ask for the TXID", "Could you paste the transaction ID (TXID) of your transfer? I'll look it up right away."),
    (
        "Deposit confirmations",
        "Your deposit is confirmed on the network and will be credited after the required "
        "number of confirmations. This usually takes a few minutes.",
    ),
    (
        "Withdrawal in review",
        "Your withdrawal is in our security review. I'm following it and will update you here as soon as it moves.",
    ),
    (
        "Wrong network",
        "It looks like the funds were sent on a different network than the deposit address. Don't "
        "worry: let's check together whether they can be recovered.",
    ),
]


def _address(external_id: str, chain: str) -> str:
    digest = hashlib.sha256(f"demo:{external_id}:{chain}".encode()).hexdigest()
    return ("0x" + digest[:40]) if chain != "tron" else "T" + digest[:33]


def _seed_activity(now) -> None:
    for external, ident, kind, asset, network, amount, status, hours in ACTIVITY:
        customer = services.customer_upsert(external_id=external)
        txid = (
            "0x" + hashlib.sha256(ident.encode()).hexdigest()
            if network != "tron"
            else hashlib.sha256(ident.encode()).hexdigest()
        )
        services.activity_upsert(
            customer=customer,
            external_id=ident,
            kind=kind,
            asset=asset,
            network=network,
            amount=amount,
            status=status,
            occurred_at=now - timedelta(hours=hours),
            txid=txid,
        )


def _seed_addresses() -> None:
    for customer in Customer.objects.filter(external_id__startswith="demo-"):
        for chain in CHAINS:
            services.deposit_address_upsert(
                customer=customer, chain=chain, address=_address(customer.external_id, chain)
            )


def _seed_tickets(staff: dict[str, User], supervisor: User | None) -> int:
    created = 0
    for external, subject, status, priority, tags, assignee, note in TICKETS:
        customer = services.customer_upsert(external_id=external)
        if Ticket.objects.filter(customer=customer, subject=subject).exists():
            continue
        agent = staff.get(assignee or "")
        ticket = services.ticket_create(customer=customer, subject=subject, priority=priority, actor_role="api")
        if agent is not None:
            services.ticket_assignee_set(ticket=ticket, assignee=agent, actor=agent)
        actor = agent or supervisor
        services.ticket_update(ticket=ticket, actor=actor, tags=tags, priority=priority)
        if note and actor is not None:
            services.ticket_note_add(ticket=ticket, body=note, actor=actor)
        if status != "new":
            services.ticket_status_set(ticket=ticket, status=status, actor=actor)
        created += 1
    return created


def _seed_replies(staff: dict[str, User], supervisor: User | None) -> None:
    if supervisor is not None:
        for title, body in SHARED_REPLIES:
            if not CannedReply.objects.filter(owner__isnull=True, title=title).exists():
                services.canned_reply_save(actor=supervisor, title=title, body=body, shared=True)
    amir = staff.get("amir@demo.test")
    if amir is not None and not CannedReply.objects.filter(owner=amir).exists():
        services.canned_reply_save(actor=amir, title="My sign-off", body="Anything else I can help with today?")


def seed(stdout) -> None:
    for fields in CUSTOMERS:
        services.customer_upsert(**fields)
    staff = {u.email: u for u in User.objects.filter(email__endswith="@demo.test")}
    supervisor = staff.get("supervisor@demo.test")
    _seed_activity(timezone.now())
    _seed_addresses()
    created = _seed_tickets(staff, supervisor)
    _seed_replies(staff, supervisor)
    stdout.write(f"Tickets demo: {created} new ticket(s), activity, deposit addresses and canned replies ready.")
