"""Who hears what (Zulip's capture_send_event_calls, for chat.broadcast): capture every nudge an action sends after
its commit, and resolve each group to the sockets in it, as the consumers join them (chat/consumers/):

- the customer's socket: customer_group(customer);
- every agent socket (supervisors' too): AGENTS and agent_group(its user);
- plus conversation_group(c) for each conversation the socket holds or watches (its assignee, a supervisor
  watching from the monitor, an agent reading it)."""

from contextlib import contextmanager
from dataclasses import dataclass, field

from chat import broadcast


@dataclass
class Heard:
    sends: list[tuple[str, dict]] = field(default_factory=list)

    def by(self, sockets: dict[str, set[str]]) -> dict[str, list[str]]:
        """socket name -> the frame types it receives, in order ("queue", "conversation", "message:note", ...)."""
        heard = {name: [] for name in sockets}
        for group, event in self.sends:
            for name, groups in sockets.items():
                if group in groups:
                    heard[name].append(_label(event))
        return heard

    def groups(self) -> set[str]:
        return {group for group, _ in self.sends}


def _label(event: dict) -> str:
    kind = event["type"].removeprefix("chat.")
    frame = event.get("frame") or {}
    if kind == "message":
        return f"message:{frame['kind']}"
    if kind == "read":
        return f"read:{event['side']}"
    return kind


@contextmanager
def captured(monkeypatch):
    """Every chat.broadcast.send inside the block (run the action's on_commit callbacks inside it too)."""
    heard = Heard()
    monkeypatch.setattr(broadcast, "send", lambda group, event: heard.sends.append((group, event)))
    yield heard


def customer_socket(conversation) -> set[str]:
    return {broadcast.customer_group(conversation.customer_id)}


def agent_socket(user, *watching) -> set[str]:
    """An agent's (or supervisor's) console, holding or watching these conversations."""
    return {broadcast.AGENTS, broadcast.agent_group(user.pk)} | {broadcast.conversation_group(c.pk) for c in watching}
