"""Agents, customers and accepted conversations for the chat benchmarks, made through the product's services.

Idempotent: a second run finds the same customers' open conversations and reuses them, so only the first run on
a fresh database pays for creating them.
"""

import time
import uuid
from dataclasses import dataclass

import jwt
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore

from accounts.models import Role, User
from accounts.services import staff_upsert
from chat import selectors, services
from chat.models import Conversation
from tickets.services import customer_upsert

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
        user, _ = staff_upsert(email=f"bench-agent-{index}@bench.test", password=None, role=Role.AGENT,
                               name=f"Bench agent {index}")
    return user


def session_cookie(user: User) -> str:
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return f"sessionid={store.session_key}"


def widget_token(external_id: str, **claims) -> str:
    payload = {"sub": external_id, "exp": int(time.time()) + TOKEN_LIFETIME_S, "name": f"Customer {external_id}"}
    return jwt.encode({**payload, **claims}, settings.WIDGET_SECRET, algorithm="HS256")


def accepted_chat(index: int, holder: User, prefix: str = "bench-c") -> Chat:
    """Customer `index`'s open conversation, accepted by `holder` (created through the services if missing)."""
    external_id = f"{prefix}-{index}"
    customer = customer_upsert(external_id=external_id, name=f"Customer {index}", locale="en")
    conversation = selectors.open_conversation_for(customer)
    if conversation is None:
        posted = services.customer_message_post(
            customer=customer, conversation_id=None, client_msg_id=uuid.uuid4(), body="Hello, my deposit is late"
        )
        conversation = posted.message.conversation
    if conversation.assignee_id != holder.pk:
        if conversation.status == Conversation.Status.WAITING:
            services.conversation_accept(agent=holder, conversation_id=conversation.pk)
        else:
            services.conversation_transfer(
                agent=conversation.assignee, conversation_id=conversation.pk, to_agent_id=holder.pk, note="bench"
            )
    return Chat(conversation.pk, 0, external_id)


def chats(count: int, per_agent: int = CHATS_PER_AGENT) -> tuple[list[User], list[Chat]]:
    """`count` conversations held `per_agent` to an agent."""
    agents = [agent(k) for k in range((count + per_agent - 1) // per_agent)]
    made = []
    for index in range(count):
        chat = accepted_chat(index, agents[index // per_agent])
        made.append(Chat(chat.conversation, index // per_agent, chat.external_id))
    return agents, made
