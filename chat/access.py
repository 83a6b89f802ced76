"""Who may see what, and the small synchronous helpers the consumers call through a thread."""

import jwt
from django.conf import settings

from accounts import services as accounts_services
from accounts.models import User
from chat import selectors, services
from chat.frames import conversation_frame
from chat.models import Conversation
from tickets import services as tickets_services
from tickets.models import Customer

TOKEN_LEEWAY_SECONDS = 30


class TokenError(Exception):
    pass


def verify_widget_token(token) -> dict:
    """The exchange's backend signs {sub, exp, name, email, locale, vip} with HS256 and our shared secret.

    Only HS256 is accepted, so `alg: none` and algorithm-confusion tokens are refused.
    """
    if not isinstance(token, str) or not token:
        raise TokenError("a signed token is required")
    try:
        claims = jwt.decode(
            token,
            settings.WIDGET_SECRET,
            algorithms=["HS256"],
            options={"require": ["sub", "exp"]},
            leeway=TOKEN_LEEWAY_SECONDS,
        )
    except jwt.ExpiredSignatureError as exc:
        raise TokenError("the token has expired; reload the page to get a new one") from exc
    except jwt.InvalidTokenError as exc:
        raise TokenError("the token is not valid") from exc
    if not isinstance(claims.get("sub"), (str, int)) or not str(claims["sub"]).strip():
        raise TokenError("the token has no subject")
    return claims


def customer_from_claims(claims: dict) -> Customer:
    vip = claims.get("vip")
    if vip is True:
        vip = "vip"
    elif vip in (False, None):
        vip = ""
    return tickets_services.customer_upsert(
        external_id=str(claims["sub"]),
        name=claims.get("name"),
        email=claims.get("email"),
        locale=claims.get("locale"),
        vip=str(vip)[:32],
    )


def customer_owns(customer: Customer, conversation_id: int) -> bool:
    return Conversation.objects.filter(pk=conversation_id, customer=customer).exists()


def staff_may_view(user: User, conversation_id: int) -> bool:
    """Supervisors see every conversation; agents see the queue, their own chats and those they held before."""
    if not user.is_agent:
        return False
    if user.is_supervisor:
        return Conversation.objects.filter(pk=conversation_id).exists()
    conversation = Conversation.objects.filter(pk=conversation_id).only("status", "assignee_id").first()
    if conversation is None:
        return False
    if conversation.status == Conversation.Status.WAITING or conversation.assignee_id == user.pk:
        return True
    return conversation.messages.filter(author=user).exists()


def is_assignee(user: User, conversation_id: int) -> bool:
    return Conversation.objects.filter(pk=conversation_id, assignee=user).exists()


def customer_id_of(conversation_id: int) -> int:
    return Conversation.objects.values_list("customer_id", flat=True).get(pk=conversation_id)


def mark_read(conversation_id: int, seq: int, agent: User | None) -> int:
    conversation = Conversation.objects.get(pk=conversation_id)
    return services.read_mark(conversation=conversation, seq=seq, agent=agent)


def set_presence(user: User, status: str) -> None:
    accounts_services.presence_set(user=user, presence=status)


def agent_seen(user: User) -> None:
    accounts_services.presence_seen(user=user)


def agent_welcome(user: User) -> dict:
    accounts_services.presence_seen(user=user)
    if user.presence == "offline" and user.role == "agent":
        # Opening the console means "I am here" for agents; a supervisor watching is not taking chats.
        accounts_services.presence_set(user=user, presence="online")
    mine = list(selectors.conversations_of(user))
    unread = selectors.unread_counts(user, [c.pk for c in mine])
    frames = []
    for conversation in mine:
        frame = conversation_frame(conversation)
        frame["unread"] = unread.get(conversation.pk, 0)
        frames.append(frame)
    return {
        "conversation_ids": [c.pk for c in mine],
        "frame": {
            "type": "welcome",
            "agent": {"id": user.pk, "name": user.display_name, "role": user.role, "presence": user.presence},
            "conversations": frames,
        },
    }
