"""A busy chat on real server processes, and the check that every client's view equals PostgreSQL."""

import asyncio
import time
from dataclasses import dataclass, field

from channels.db import database_sync_to_async

from chat.models import Conversation, Message
from tests.chat.helpers import session_cookie, widget_token
from tests.reliability.harness import AsgiServer, ChatClient, wait_for
from tests.support.servers import child_env_for_test_db


def server_env(**extra: str) -> dict:
    """The servers use the test database; the rate limit is raised because these tests are about faults."""
    env = child_env_for_test_db()
    env.update({"ALLOWED_HOSTS": "127.0.0.1,localhost", "HELPDESK_CHAT_RATE_PER_10S": "100000"})
    env.update(extra)
    return env


@dataclass
class Chats:
    customers: list[ChatClient]
    agents: list[ChatClient]
    holder: dict[int, ChatClient] = field(default_factory=dict)  # conversation -> its agent's client

    @property
    def clients(self) -> list[ChatClient]:
        return self.customers + self.agents


async def open_chats(servers: list[AsgiServer], agent_users: list, customers: int, tag: str) -> Chats:
    """Customers on one server, their agents on another, each chat accepted and watched."""
    agents = []
    for i, user in enumerate(agent_users):
        cookie = await database_sync_to_async(session_cookie)(user)
        agents.append(ChatClient(f"agent-{user.pk}", servers[(i + 1) % len(servers)], cookie=cookie))
    clients = [
        ChatClient(
            f"{tag}-customer-{i}",
            servers[i % len(servers)],
            token=widget_token(sub=f"{tag}-{i}", name=f"Customer {i}", exp_in=7200),
        )
        for i in range(customers)
    ]
    chats = Chats(clients, agents)
    for client in chats.clients:
        client.start()
    await wait_for(lambda: all(c.ready.is_set() for c in chats.clients), 20, "every client's welcome")
    for client in clients:
        await client.post(f"{client.name}: hello, I need help")
    await wait_for(lambda: all(c.conversation and not c.outbox for c in clients), 20, "the first acks")
    for i, client in enumerate(clients):
        agent = agents[i % len(agents)]
        chats.holder[client.conversation] = agent
        await agent.raw({"type": "accept", "conversation": client.conversation})
        await agent.watch(client.conversation)
    await wait_for(
        lambda: all(agent.views[conv].last_seq >= 1 for conv, agent in chats.holder.items()), 20, "agents see the chats"
    )
    return chats


async def talk(chats: Chats, *, rounds: int, interval: float, until: asyncio.Event | None = None) -> None:
    """Everyone writes at once; every fifth round of an agent's lines are internal notes. With `until`, rounds is
    a minimum and talking goes on until the event is set."""

    def more(n: int) -> bool:
        return n < rounds or (until is not None and not until.is_set())

    async def customer(client: ChatClient) -> None:
        n = 0
        while more(n):
            n += 1
            await client.post(f"{client.name} line {n} — «ünïcødé» 🚀")
            await asyncio.sleep(interval)

    async def agent(client: ChatClient) -> None:
        mine = [conv for conv, holder in chats.holder.items() if holder is client]
        n = 0
        while more(n):
            n += 1
            conv = mine[n % len(mine)]  # one chat at a time, as a person types: as fast as one customer
            kind = "note" if (n // len(mine)) % 5 == 4 else "text"  # every fifth round, in every chat
            await client.post(f"{client.name} {kind} {n} to {conv}", conversation=conv, kind=kind)
            await asyncio.sleep(interval)

    await asyncio.gather(*(customer(c) for c in chats.customers), *(agent(a) for a in chats.agents))


def _truth(conversation_ids: list[int]) -> dict:
    out = {}
    for conv in Conversation.objects.filter(pk__in=conversation_ids):
        messages = list(Message.objects.filter(conversation=conv))
        record = {m.pk: (str(m.client_msg_id) if m.client_msg_id else None, m.kind, m.body) for m in messages}
        out[conv.pk] = {
            "last_seq": conv.last_seq,
            "last_staff_seq": conv.last_staff_seq,
            "customer": {m.seq: record[m.pk] for m in messages if m.seq is not None},
            "staff": {m.staff_seq: record[m.pk] for m in messages},
        }
    return out


def _stored_ids(ids: list[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for value in Message.objects.filter(client_msg_id__in=ids).values_list("client_msg_id", flat=True):
        counts[str(value)] = counts.get(str(value), 0) + 1
    return counts


def describe(chats: Chats) -> str:
    """Who is stuck, for the failure message."""
    return "; ".join(
        f"{c.name}: outbox={len(c.outbox)} connected={c.ws is not None} ready={c.ready.is_set()} "
        f"connects={c.connects} errors={c.errors} refusals={c.refusals[:2]} "
        f"last_frame={c.last_frame[1]} {time.monotonic() - c.last_frame[0]:.1f}s ago "
        f"acked={len(c.acked)} sent={len(c.sent)} recent={list(c.recent)} "
        f"views={ {k: (v.last_seq, max(v.seen, default=0)) for k, v in c.views.items()} } "
        f"outbox_convs={sorted({f.get('conversation') for f in c.outbox.values()}, key=str)}"
        for c in chats.clients
        if c.outbox
    )


async def settle_and_compare(chats: Chats, timeout: float = 90) -> dict:
    """Wait until every send is acknowledged and every client caught up; then each view must equal the database.

    Returns figures for the docs (messages, reconnects, retries)."""
    try:
        await wait_for(lambda: all(not c.outbox for c in chats.clients), timeout, "every outbox to empty")
    except AssertionError as exc:
        raise AssertionError(f"{exc}: {describe(chats)}") from None
    conversations = list(chats.holder)
    truth = await database_sync_to_async(_truth)(conversations)

    def caught_up() -> bool:
        for conv, agent in chats.holder.items():
            customer = next(c for c in chats.customers if c.conversation == conv)
            if customer.views[conv].last_seq < truth[conv]["last_seq"]:
                return False
            if agent.views[conv].last_seq < truth[conv]["last_staff_seq"]:
                return False
        return True

    await wait_for(caught_up, timeout, "every client to catch up with the database")
    for conv, agent in chats.holder.items():
        customer = next(c for c in chats.customers if c.conversation == conv)
        assert customer.views[conv].seen == truth[conv]["customer"], f"customer view of {conv} differs"
        assert agent.views[conv].seen == truth[conv]["staff"], f"agent view of {conv} differs"
        assert not customer.views[conv].conflicts and not agent.views[conv].conflicts
        assert all(kind != "note" for _, kind, _ in customer.views[conv].seen.values())
    sent = [msg_id for client in chats.clients for msg_id in client.sent]
    stored = await database_sync_to_async(_stored_ids)(sent)
    assert stored == dict.fromkeys(sent, 1), "every send is stored exactly once"
    for client in chats.clients:
        assert client.refusals == [], f"{client.name} was refused: {client.refusals[:3]}"
        for msg_id in client.sent:
            conv, seq = client.acked[msg_id]
            table = truth[conv]["staff" if client.is_agent else "customer"]
            assert table[seq][0] == msg_id, "an ack names the seq the database gave the message"
    return {
        "messages": sum(len(t["staff"]) for t in truth.values()),
        "sent": len(sent),
        "connects": sum(c.connects for c in chats.clients),
        "errors": {code: sum(c.errors.get(code, 0) for c in chats.clients) for code in ("unavailable", "rate_limited")},
        "repeats_dropped_by_clients": sum(v.repeats for c in chats.clients for v in c.views.values()),
    }


async def stop_all(chats: Chats) -> None:
    await asyncio.gather(*(c.stop() for c in chats.clients))
