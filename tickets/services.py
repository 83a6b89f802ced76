"""The only place that writes tickets, customers, canned replies, API keys and timeline events.

Every change to a ticket writes exactly one TimelineEvent (who, when, what, old → new), and events are
handed to the exchange's webhooks only after the commit. Nothing here runs on a timer: a ticket is solved
because a person (or the exchange's backend) said so.
"""

import hashlib
import hmac
import secrets
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from tickets import webhooks
from tickets.models import (
    AccountActivity,
    ApiKey,
    CannedReply,
    Customer,
    DepositAddress,
    Tag,
    Ticket,
    TimelineEvent,
    WebhookEndpoint,
)

CUSTOMER_FIELDS = ("name", "email", "locale", "vip")
UNSET = object()
API_KEY_PREFIX = "hdk"


class TicketError(Exception):
    """A refusal the page or the API shows as is (bad value, not allowed)."""

    def __init__(self, detail: str, *, code: str = "invalid"):
        super().__init__(detail)
        self.detail = detail
        self.code = code


# --- Customers --------------------------------------------------------------------------------------


def customer_upsert(*, external_id: str, **fields) -> Customer:
    """Create the customer or refresh what the exchange tells us (blank values never erase known ones)."""
    external_id = str(external_id).strip()
    if not external_id:
        raise ValueError("a customer needs the exchange's user id")
    values = {key: str(fields[key])[:200] for key in CUSTOMER_FIELDS if fields.get(key) not in (None, "")}
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
        raise ValueError(f"{chain}:{address} already belongs to another customer")
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
    }
    found = AccountActivity.objects.filter(external_id=external_id).first()
    if found is not None and found.customer_id != customer.pk:
        raise ValueError(f"activity {external_id} belongs to another customer")
    activity, created = AccountActivity.objects.update_or_create(external_id=external_id, defaults=values)
    return activity, created


# --- The timeline -----------------------------------------------------------------------------------


def actor_role_of(user: User | None) -> str:
    if user is None:
        return TimelineEvent.ActorRole.SYSTEM
    return TimelineEvent.ActorRole.SUPERVISOR if user.is_supervisor else TimelineEvent.ActorRole.AGENT


def event_record(
    *,
    ticket: Ticket,
    kind: str,
    actor: User | None = None,
    actor_role: str | None = None,
    conversation_id: int | None = None,
    data: dict | None = None,
) -> TimelineEvent:
    """Append one row to the timeline and queue its webhook deliveries for after the commit.

    Callers run inside their own transaction; with no webhook registered this costs one cached lookup.
    """
    event = TimelineEvent.objects.create(
        ticket=ticket,
        kind=kind,
        actor=actor,
        actor_role=actor_role or actor_role_of(actor),
        conversation_id=conversation_id,
        data=data or {},
    )
    webhooks.deliveries_create(event=event)
    return event


# --- Tickets ----------------------------------------------------------------------------------------


@transaction.atomic
def ticket_create(
    *,
    customer: Customer,
    subject: str,
    actor: User | None = None,
    actor_role: str | None = None,
    priority: str = Ticket.Priority.NORMAL,
    tags: list[str] | None = None,
) -> Ticket:
    if priority not in Ticket.Priority.values:
        raise TicketError(f"priority must be one of {', '.join(Ticket.Priority.values)}")
    if customer.is_vip and priority == Ticket.Priority.NORMAL:
        priority = Ticket.Priority.HIGH
    ticket = Ticket.objects.create(customer=customer, subject=subject[:200] or "Chat", priority=priority)
    event_record(
        ticket=ticket,
        kind="ticket.created",
        actor=actor,
        actor_role=actor_role,
        data={"subject": ticket.subject, "priority": ticket.priority},
    )
    if tags:
        ticket_tags_set(ticket=ticket, tags=tags, actor=actor, actor_role=actor_role)
    return ticket


def ticket_touch(*, ticket: Ticket) -> None:
    Ticket.objects.filter(pk=ticket.pk).update(updated_at=timezone.now())


def ticket_assign_if_unassigned(*, ticket: Ticket, agent: User) -> None:
    """The agent who accepts a ticket's first chat becomes its assignee, unless someone already is."""
    if Ticket.objects.filter(pk=ticket.pk, assignee__isnull=True).update(
        assignee=agent, status=Ticket.Status.OPEN, updated_at=timezone.now()
    ):
        event_record(
            ticket=ticket,
            kind="ticket.assigned",
            actor=agent,
            data={"from": None, "to": agent.display_name, "to_id": agent.pk},
        )


def _locked(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_for_update(of=("self",)).select_related("assignee", "customer").get(pk=ticket.pk)


def _changed(ticket: Ticket, field: str, value) -> None:
    setattr(ticket, field, value)
    ticket.updated_at = timezone.now()
    ticket.save(update_fields=[field, "updated_at"])


@transaction.atomic
def ticket_status_set(*, ticket: Ticket, status: str, actor: User | None, actor_role: str | None = None) -> Ticket:
    """Move a ticket to another status. A closed ticket is reopened only by a supervisor (or the API)."""
    if status not in Ticket.Status.values:
        raise TicketError(f"status must be one of {', '.join(Ticket.Status.values)}")
    locked = _locked(ticket)
    old = locked.status
    if old == status:
        return locked
    if old == Ticket.Status.CLOSED and actor is not None and not actor.is_supervisor:
        raise TicketError("a closed ticket can only be reopened by a supervisor", code="forbidden")
    _changed(locked, "status", status)
    event_record(
        ticket=locked, kind="ticket.status", actor=actor, actor_role=actor_role, data={"from": old, "to": status}
    )
    return locked


@transaction.atomic
def ticket_priority_set(*, ticket: Ticket, priority: str, actor: User | None, actor_role: str | None = None) -> Ticket:
    if priority not in Ticket.Priority.values:
        raise TicketError(f"priority must be one of {', '.join(Ticket.Priority.values)}")
    locked = _locked(ticket)
    old = locked.priority
    if old != priority:
        _changed(locked, "priority", priority)
        event_record(
            ticket=locked,
            kind="ticket.priority",
            actor=actor,
            actor_role=actor_role,
            data={"from": old, "to": priority},
        )
    return locked


@transaction.atomic
def ticket_subject_set(*, ticket: Ticket, subject: str, actor: User | None, actor_role: str | None = None) -> Ticket:
    subject = (subject or "").strip()[:200]
    if not subject:
        raise TicketError("a ticket needs a subject")
    locked = _locked(ticket)
    old = locked.subject
    if old != subject:
        _changed(locked, "subject", subject)
        event_record(
            ticket=locked, kind="ticket.subject", actor=actor, actor_role=actor_role, data={"from": old, "to": subject}
        )
    return locked


def tag_names_parse(raw: str | list[str]) -> list[str]:
    """'VIP, wrong chain' → ['vip', 'wrong-chain']: tags are slugs, unique, sorted."""
    from django.utils.text import slugify

    items = raw.split(",") if isinstance(raw, str) else list(raw)
    names = {slugify(str(item))[:50] for item in items}
    return sorted(name for name in names if name)


@transaction.atomic
def ticket_tags_set(*, ticket: Ticket, tags: list[str], actor: User | None, actor_role: str | None = None) -> Ticket:
    """Replace the ticket's tags; one event lists what was added and removed."""
    locked = _locked(ticket)
    new = tag_names_parse(tags)
    old = sorted(locked.tags.values_list("name", flat=True))
    if old == new:
        return locked
    locked.tags.set([Tag.objects.get_or_create(name=name)[0] for name in new])
    _changed(locked, "updated_at", timezone.now())
    data = {
        "from": old,
        "to": new,
        "added": sorted(set(new) - set(old)),
        "removed": sorted(set(old) - set(new)),
    }
    event_record(ticket=locked, kind="ticket.tags", actor=actor, actor_role=actor_role, data=data)
    return locked


@transaction.atomic
def ticket_assignee_set(
    *, ticket: Ticket, assignee: User | None, actor: User | None, actor_role: str | None = None
) -> Ticket:
    """Give the ticket to someone (or no one). Agents take or let go of tickets themselves; supervisors
    (and the exchange's backend) may hand them to anyone."""
    if assignee is not None and not assignee.is_agent:
        raise TicketError("tickets can only be assigned to active staff")
    locked = _locked(ticket)
    old = locked.assignee
    if (old.pk if old else None) == (assignee.pk if assignee else None):
        return locked
    if actor is not None and not actor.is_supervisor:
        touches_others = (assignee is not None and assignee.pk != actor.pk) or (old is not None and old.pk != actor.pk)
        if touches_others:
            raise TicketError("only a supervisor can hand a ticket to someone else", code="forbidden")
    _changed(locked, "assignee", assignee)
    data = {
        "from": old.display_name if old else None,
        "from_id": old.pk if old else None,
        "to": assignee.display_name if assignee else None,
        "to_id": assignee.pk if assignee else None,
    }
    kind = "ticket.assigned" if assignee else "ticket.unassigned"
    event_record(ticket=locked, kind=kind, actor=actor, actor_role=actor_role, data=data)
    return locked


@transaction.atomic
def ticket_note_add(*, ticket: Ticket, body: str, actor: User) -> TimelineEvent:
    """An internal note on the ticket: staff only, never sent to the customer or to webhooks."""
    body = (body or "").strip()
    if not body:
        raise TicketError("a note needs some text")
    if len(body) > 8000:
        raise TicketError("a note may hold at most 8000 characters")
    locked = _locked(ticket)
    _changed(locked, "updated_at", timezone.now())
    return event_record(ticket=locked, kind="ticket.note", actor=actor, data={"body": body})


@transaction.atomic
def ticket_link_conversation(*, ticket: Ticket, conversation_id: int, actor: User | None) -> Ticket:
    """Move a chat to another ticket of the same customer; both tickets' timelines say so."""
    conversation_model = apps.get_model("chat", "Conversation")
    conversation = conversation_model.objects.select_for_update().filter(pk=conversation_id).first()
    if conversation is None:
        raise TicketError("no such conversation", code="not_found")
    if conversation.customer_id != ticket.customer_id:
        raise TicketError("a chat can only be linked to a ticket of the same customer")
    old_ticket_id = conversation.ticket_id
    if old_ticket_id == ticket.pk:
        return ticket
    conversation_model.objects.filter(pk=conversation_id).update(ticket=ticket)
    old_ticket = _locked(Ticket(pk=old_ticket_id))
    event_record(
        ticket=old_ticket,
        kind="chat.unlinked",
        actor=actor,
        conversation_id=conversation_id,
        data={"to_ticket": ticket.pk},
    )
    locked = _locked(ticket)
    _changed(locked, "updated_at", timezone.now())
    event_record(
        ticket=locked,
        kind="chat.linked",
        actor=actor,
        conversation_id=conversation_id,
        data={"from_ticket": old_ticket_id},
    )
    return locked


def ticket_update(
    *,
    ticket: Ticket,
    actor: User | None,
    actor_role: str | None = None,
    status: str | None = None,
    priority: str | None = None,
    tags: list[str] | None = None,
    subject: str | None = None,
    assignee=UNSET,
) -> Ticket:
    """Several changes at once (a form, the sidebar, the API), all or nothing; one event per field changed."""
    with transaction.atomic():
        common = {"ticket": ticket, "actor": actor, "actor_role": actor_role}
        if subject is not None:
            ticket = ticket_subject_set(subject=subject, **common)
        if status is not None:
            ticket = ticket_status_set(status=status, **common)
        if priority is not None:
            ticket = ticket_priority_set(priority=priority, **common)
        if tags is not None:
            ticket = ticket_tags_set(tags=tags, **common)
        if assignee is not UNSET:
            ticket = ticket_assignee_set(assignee=assignee, **common)
    return ticket


# --- Canned replies ---------------------------------------------------------------------------------


def canned_reply_save(
    *, actor: User, title: str, body: str, shared: bool = False, reply: CannedReply | None = None
) -> CannedReply:
    """Create or edit a canned reply. Anyone keeps personal ones; shared ones are a supervisor's to write."""
    title, body = (title or "").strip()[:120], (body or "").strip()
    if not title or not body:
        raise TicketError("a canned reply needs a title and a text")
    if shared and not actor.is_supervisor:
        raise TicketError("only a supervisor can write shared replies", code="forbidden")
    if reply is not None and not canned_reply_editable(reply=reply, user=actor):
        raise TicketError("this reply is not yours to change", code="forbidden")
    reply = reply or CannedReply()
    reply.title, reply.body, reply.owner = title, body, None if shared else actor
    reply.save()
    return reply


def canned_reply_editable(*, reply: CannedReply, user: User) -> bool:
    return reply.owner_id == user.pk or (reply.is_shared and user.is_supervisor)


def canned_reply_delete(*, reply: CannedReply, actor: User) -> None:
    if not canned_reply_editable(reply=reply, user=actor):
        raise TicketError("this reply is not yours to delete", code="forbidden")
    reply.delete()


# --- API keys ---------------------------------------------------------------------------------------


def _hash_secret(secret: str) -> str:
    # The secret is 32 random bytes, so a fast hash is enough (no dictionary to guess from).
    return hashlib.sha256(secret.encode()).hexdigest()


def api_key_create(*, name: str, scopes: list[str]) -> tuple[ApiKey, str]:
    """Create a key and return it with its clear text, which is shown once and never stored."""
    unknown = sorted(set(scopes) - set(ApiKey.Scope.values))
    if unknown:
        raise TicketError(f"unknown scope {', '.join(unknown)}; use {', '.join(ApiKey.Scope.values)}")
    if not name.strip():
        raise TicketError("an API key needs a name")
    prefix, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    key = ApiKey.objects.create(
        name=name.strip()[:100], prefix=prefix, secret_hash=_hash_secret(secret), scopes=sorted(set(scopes))
    )
    return key, f"{API_KEY_PREFIX}_{prefix}_{secret}"


def api_key_verify(raw: str) -> ApiKey | None:
    """The active key a presented `hdk_<prefix>_<secret>` belongs to, or None."""
    parts = (raw or "").strip().split("_", 2)
    if len(parts) != 3 or parts[0] != API_KEY_PREFIX:
        return None
    key = ApiKey.objects.filter(prefix=parts[1], revoked_at__isnull=True).first()
    if key is None or not hmac.compare_digest(key.secret_hash, _hash_secret(parts[2])):
        return None
    return key


def api_key_touch(*, key: ApiKey) -> None:
    """Remember when a key was last used, at most once a minute (not a write per request)."""
    now = timezone.now()
    if key.last_used_at is None or (now - key.last_used_at).total_seconds() > 60:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now


def api_key_revoke(*, key: ApiKey) -> None:
    ApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


# --- Webhook endpoints ------------------------------------------------------------------------------


def _check_webhook(url: str, events: list[str]) -> tuple[str, list[str]]:
    from urllib.parse import urlsplit

    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TicketError("a webhook URL must be an http:// or https:// URL")
    if not isinstance(events, list) or not all(isinstance(e, str) and e.strip() for e in events):
        raise TicketError("events must be a list of event kinds or prefixes such as 'ticket.'")
    return url, sorted({e.strip() for e in events})


def webhook_endpoint_create(*, url: str, events: list[str] | None = None, description: str = "") -> WebhookEndpoint:
    """Register a URL. The signing secret is generated here; the caller shows it to the exchange."""
    url, events = _check_webhook(url, events or [])
    return WebhookEndpoint.objects.create(
        url=url, events=events, description=description[:200], secret=secrets.token_hex(32)
    )


def webhook_endpoint_update(
    *, endpoint: WebhookEndpoint, url: str | None = None, events: list[str] | None = None, is_active: bool | None = None
) -> WebhookEndpoint:
    new_url, new_events = _check_webhook(url or endpoint.url, endpoint.events if events is None else events)
    endpoint.url, endpoint.events = new_url, new_events
    if is_active is not None:
        endpoint.is_active = bool(is_active)
    endpoint.save()
    return endpoint


def webhook_endpoint_delete(*, endpoint: WebhookEndpoint) -> None:
    endpoint.delete()
