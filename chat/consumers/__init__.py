"""Websocket consumers: parse, authorise, call chat.services, forward. No business rules live here.

Delivery is lossless per socket: the consumer remembers the last seq it delivered for each conversation it has
synced, drops repeats, and fills any gap from the database before forwarding (the channel layer may drop or
reorder nudges; PostgreSQL may not).

The modules: `parsing` (frames, their fields, FrameError, the rate limit) ← `base` (ChatConsumer, what both sockets
share: the error path, groups, delivery; db()) ← `widget` (the customer's socket) and `agent` (the console's).
"""

from chat.consumers.agent import AgentConsumer
from chat.consumers.base import ChatConsumer, db
from chat.consumers.parsing import FrameError, RateLimiter, int_field, parse_frame, str_field, uuid_field
from chat.consumers.widget import WidgetConsumer

__all__ = [
    "AgentConsumer",
    "ChatConsumer",
    "FrameError",
    "RateLimiter",
    "WidgetConsumer",
    "db",
    "int_field",
    "parse_frame",
    "str_field",
    "uuid_field",
]
