"""The only place that writes tickets, customers, canned replies, API keys, webhooks and timeline events.

Every change to a ticket writes exactly one TimelineEvent (who, when, what, old → new), and events are handed to
the exchange's webhooks only after the commit. Nothing here runs on a timer: a ticket is solved because a person
(or the exchange's backend) said so. Callers use `from tickets import services` and the names below.
"""

from tickets.services.access import Access, customer_access, customer_access_record
from tickets.services.customers import activity_upsert, customer_upsert, deposit_address_upsert
from tickets.services.errors import Conflict, TicketError
from tickets.services.integration import (
    API_KEY_PREFIX,
    api_key_create,
    api_key_revoke,
    api_key_touch,
    api_key_verify,
    webhook_endpoint_create,
    webhook_endpoint_delete,
    webhook_endpoint_rotate_secret,
    webhook_endpoint_update,
)
from tickets.services.replies import canned_reply_delete, canned_reply_editable, canned_reply_save
from tickets.services.ticket_changes import (
    UNSET,
    tag_names_parse,
    ticket_assign_if_unassigned,
    ticket_assignee_set,
    ticket_conversation_moved,
    ticket_create,
    ticket_follow_chat,
    ticket_note_add,
    ticket_priority_set,
    ticket_status_set,
    ticket_subject_set,
    ticket_tags_set,
    ticket_touch,
    ticket_update,
)
from tickets.services.timeline import actor_role_of, event_record

__all__ = [
    "API_KEY_PREFIX",
    "UNSET",
    "Access",
    "Conflict",
    "TicketError",
    "activity_upsert",
    "actor_role_of",
    "api_key_create",
    "api_key_revoke",
    "api_key_touch",
    "api_key_verify",
    "canned_reply_delete",
    "canned_reply_editable",
    "canned_reply_save",
    "customer_access",
    "customer_access_record",
    "customer_upsert",
    "deposit_address_upsert",
    "event_record",
    "tag_names_parse",
    "ticket_assign_if_unassigned",
    "ticket_assignee_set",
    "ticket_conversation_moved",
    "ticket_create",
    "ticket_follow_chat",
    "ticket_note_add",
    "ticket_priority_set",
    "ticket_status_set",
    "ticket_subject_set",
    "ticket_tags_set",
    "ticket_touch",
    "ticket_update",
    "webhook_endpoint_create",
    "webhook_endpoint_delete",
    "webhook_endpoint_rotate_secret",
    "webhook_endpoint_update",
]
