"""Agents, customers and open conversations for the benchmarks.

Idempotent: a second run finds the same customers' open conversations and reuses them, so only the first run on
a fresh database pays for creating them.
"""

import time
from dataclasses import dataclass

import jwt
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone

from accounts.models import Role, User
from accounts.services import staff_upsert
from accounts.services.sessions import staff_session_open
from chat.models import Conversation
from tickets.models import Customer, Ticket

CHATS_PER_AGENT = 50
TOKEN_LIFETIME_S = 3600


@dataclass(frozen=True)
class Chat:
    conversation: int
    agent_index: int
    external_id: str


def agent(index: int) -> User:
    user = User.objects.filter(email=f"bench-agent-{index}@bench.test").first()
    if user is None:
        user, _ = staff_upsert(
            email=f"bench-agent-{index}@bench.test", password=None, role=Role.AGENT, name=f"Bench agent {index}"
        )
    return user


def session_cookie(user: User) -> str:
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "accounts.backends.PasswordBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    # Bench agents are agents: no second step is due (HELPDESK_MFA_REQUIRED), but every session needs its row.
    staff_session_open(session_key=store.session_key, user=user, via="password")
    return f"sessionid={store.session_key}"


def widget_token(external_id: str, **claims) -> str:
    # The same name and locale as stored, so a hello does not rewrite the customer row.
    name = f"Customer {external_id}"
    payload = {"sub": external_id, "exp": int(time.time()) + TOKEN_LIFETIME_S, "name": name, "locale": "en"}
    return jwt.encode({**payload, **claims}, settings.WIDGET_SECRET, algorithm="HS256")


def bulk_conversations(
    prefix: str, count: int, *, holders: list[User] | None = None, per_agent: int = CHATS_PER_AGENT
) -> list[Chat]:
    """`count` open conversations for customers `<prefix>-<i>`, waiting or (with holders) active, `per_agent` to
    an agent. Made in bulk (a few INSERTs of thousands of rows): making 1,000 chats through the services one by one
    costs minutes on a loaded 2-core machine. Existing ones are reused; the rows are what the services would make."""
    now = timezone.now()
    ids = [f"{prefix}-{i}" for i in range(count)]
    existing = {c.external_id: c for c in Customer.objects.filter(external_id__in=ids)}
    Customer.objects.bulk_create(
        [Customer(external_id=x, name=f"Customer {x}", locale="en") for x in ids if x not in existing]
    )
    customers = {c.external_id: c for c in Customer.objects.filter(external_id__in=ids)}
    open_ones = {
        c.customer_id: c
        for c in Conversation.objects.filter(customer__in=customers.values()).exclude(status=Conversation.Status.ENDED)
    }
    missing = [customers[x] for x in ids if customers[x].pk not in open_ones]
    tickets = Ticket.objects.bulk_create([Ticket(customer=c, subject="Where is my deposit?") for c in missing])
    Conversation.objects.bulk_create(
        [Conversation(ticket=t, customer=t.customer, locale="en", preview="Where is my deposit?") for t in tickets]
    )
    open_ones = {
        c.customer_id: c
        for c in Conversation.objects.filter(customer__in=customers.values()).exclude(status=Conversation.Status.ENDED)
    }
    made = []
    for index, external_id in enumerate(ids):
        conversation = open_ones[customers[external_id].pk]
        holder = holders[index // per_agent] if holders else None
        if conversation.assignee_id != (holder.pk if holder else None):
            status = Conversation.Status.ACTIVE if holder else Conversation.Status.WAITING
            Conversation.objects.filter(pk=conversation.pk).update(assignee=holder, status=status, accepted_at=now)
        made.append(Chat(conversation.pk, index // per_agent, external_id))
    return made


def chats(count: int, per_agent: int = CHATS_PER_AGENT) -> tuple[list[User], list[Chat]]:
    """`count` active conversations held `per_agent` to an agent."""
    agents = [agent(k) for k in range((count + per_agent - 1) // per_agent)]
    return agents, bulk_conversations("bench-c", count, holders=agents, per_agent=per_agent)
