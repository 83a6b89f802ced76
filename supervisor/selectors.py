"""Reads for the history pages. Query counts do not depend on the number of rows shown."""

from datetime import datetime, time, timedelta

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from accounts.models import Presence, User
from chat import selectors as chat_selectors
from chat.models import Conversation, Message
from supervisor import recovery_link, search
from tickets.models import Tag, TimelineEvent


def took_part(user: User) -> Q:
    """A conversation `user` holds or held, wrote in (a reply or a note), acted on (accepted, handed off,
    ended) or was handed (a transfer or a reassign to them, even if they had not written yet)."""
    wrote = Exists(Message.objects.filter(conversation=OuterRef("pk"), author=user))
    acted = Exists(
        TimelineEvent.objects.filter(Q(actor=user) | Q(data__to_agent_id=user.pk), conversation_id=OuterRef("pk"))
    )
    return Q(assignee=user) | Q(wrote) | Q(acted)


def visible_to(user: User) -> QuerySet[Conversation]:
    """Supervisors see every conversation; an agent sees the ones they took part in."""
    conversations = Conversation.objects.all()
    if user.is_supervisor:
        return conversations
    return conversations.filter(took_part(user))


def may_view(user: User, conversation_id: int) -> bool:
    return user.is_agent and visible_to(user).filter(pk=conversation_id).exists()


def _day_start(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _filter_language(conversations: QuerySet, language: str) -> QuerySet:
    # The conversation remembers the widget's locale; older ones fall back to the customer's.
    return conversations.filter(Q(locale=language) | Q(locale="", customer__locale=language))


def _filter_customer(conversations: QuerySet, text: str) -> QuerySet:
    return conversations.filter(
        Q(customer__name__icontains=text) | Q(customer__email__icontains=text) | Q(customer__external_id=text)
    )


def history(user: User, filters: dict) -> QuerySet[Conversation]:
    """Conversations `user` may see, narrowed by the cleaned HistoryFilterForm data, newest first."""
    conversations = visible_to(user)
    if filters.get("q"):
        hits = search.matching_messages(Message.objects.filter(conversation=OuterRef("pk")), filters["q"])
        conversations = conversations.filter(Exists(hits))
    if filters.get("agent"):
        conversations = conversations.filter(took_part(filters["agent"]))
    if filters.get("customer"):
        conversations = _filter_customer(conversations, filters["customer"])
    if filters.get("date_from"):
        conversations = conversations.filter(created_at__gte=_day_start(filters["date_from"]))
    if filters.get("date_to"):
        conversations = conversations.filter(created_at__lt=_day_start(filters["date_to"] + timedelta(days=1)))
    if filters.get("status"):
        conversations = conversations.filter(status=filters["status"])
    for tag in filters.get("tags") or []:
        conversations = conversations.filter(Exists(Tag.objects.filter(name=tag, tickets=OuterRef("ticket_id"))))
    if filters.get("vip") == "yes":
        conversations = conversations.exclude(customer__vip="")
    elif filters.get("vip") == "no":
        conversations = conversations.filter(customer__vip="")
    if filters.get("satisfaction") == "none":
        conversations = conversations.filter(satisfaction__isnull=True)
    elif filters.get("satisfaction"):
        conversations = conversations.filter(satisfaction__answer=filters["satisfaction"])
    if filters.get("language"):
        conversations = _filter_language(conversations, filters["language"])
    has_case = recovery_link.has_case_expression()
    if filters.get("recovery") in ("yes", "no"):
        conversations = conversations.filter(has_case if filters["recovery"] == "yes" else ~has_case)
    return _for_listing(conversations, filters.get("q") or "", has_case)


def _for_listing(conversations: QuerySet, query: str, has_case) -> QuerySet[Conversation]:
    """What a history row shows, fetched with the page: a fixed number of queries whatever the page size."""
    conversations = (
        conversations.select_related("customer", "assignee", "ticket", "satisfaction")
        .prefetch_related(Prefetch("ticket__tags", queryset=Tag.objects.order_by("name")))
        .order_by("-created_at", "-pk")
    )
    conversations = conversations.annotate(has_recovery_case=has_case)
    if query:
        first_hit = search.matching_messages(Message.objects.filter(conversation=OuterRef("pk")), query).order_by(
            "staff_seq"
        )
        conversations = conversations.annotate(match_excerpt=Subquery(first_hit.values("body")[:1]))
    return conversations


def ongoing() -> QuerySet[Conversation]:
    """The chats happening now: waiting ones first by how long they have waited, then the active ones."""
    return (
        Conversation.objects.exclude(status=Conversation.Status.ENDED)
        .select_related("customer", "assignee")
        .order_by("status", "created_at")
    )


def reassign_targets() -> list[dict]:
    """Who a supervisor can move a chat to, as they are now (the console's transfer dialog reads the same): online,
    away or offline with the label in the reader's language, and how many chats each holds."""
    return [
        {**agent, "presence_label": Presence(agent["presence"]).label} for agent in chat_selectors.agents_for_transfer()
    ]
