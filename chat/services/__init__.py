"""The only place that writes conversations and messages.

Every function commits first and broadcasts after (transaction.on_commit): the database is the truth and the
channel layer is only a nudge. Nothing here is ever called by a timer: a conversation changes hands or ends only
because a person asked for it (docs/chat.md). Callers use `from chat import services` and the names below.

The modules, each importing only those above it in this list:
- `shared`: ChatError, Posted, the timeline's actor roles and the locked conversation row;
- `numbering`: how every message is numbered and stored (one statement on PostgreSQL), private to chat;
- `offers`: a waiting chat offered to the least-loaded agent (never an assignment);
- `messages`: what customers, agents and the helpdesk post, idempotent retries, the warnings;
- `assignment`: accept, hand-off, reassignment, the end, a move to another ticket;
- `feedback`: read state and the customer's satisfaction answer.
"""

from chat.services.assignment import (
    conversation_accept,
    conversation_end,
    conversation_reassign,
    conversation_ticket_move,
    conversation_transfer,
)
from chat.services.feedback import read_mark, satisfaction_record
from chat.services.messages import (
    agent_message_post,
    customer_message_post,
    customer_message_store,
    lookalike_warning_post,
    secret_warning_post,
    system_message_post,
)
from chat.services.numbering import MESSAGE_COLUMNS
from chat.services.offers import offer_least_loaded, offer_to
from chat.services.shared import ChatError, Posted

__all__ = [
    "MESSAGE_COLUMNS",
    "ChatError",
    "Posted",
    "agent_message_post",
    "conversation_accept",
    "conversation_end",
    "conversation_reassign",
    "conversation_ticket_move",
    "conversation_transfer",
    "customer_message_post",
    "customer_message_store",
    "lookalike_warning_post",
    "offer_least_loaded",
    "offer_to",
    "read_mark",
    "satisfaction_record",
    "secret_warning_post",
    "system_message_post",
]
