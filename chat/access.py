"""Who may see what, and the small synchronous helpers the consumers call through a thread."""

import jwt
from django.conf import settings

from accounts import services as accounts_services
from accounts.models import User
from chat import broadcast, customer_presence, errors, selectors, services
from chat.frames import conversation_frame
from chat.models import Conversation
from tickets import services as tickets_services
from tickets.models import Customer

TOKEN_LEEWAY_SECONDS = 30


class TokenError(Exception):
    pass


def verify_widget_token(token) -> dict:
    """The exchange's backend signs {sub, exp, name, email, locale, vip} with HS256 and our shared secret.

    Only HS256 is accepted, so `alg: none` and algorithm-confusion tokens are refused. A validly signed token is
    still input: its claims come back checked against what the customer's columns hold (`widget_claims`).
    """
    if not isinstance(token, str) or not token:
        raise TokenError("a signed token is required")
    try:
        claims = jwt.decode(
            token,
            settings.WIDGET_SECRET,
            algorithms=["HS256"],
            # PyJWT wants `sub` to be a string; exchanges' user ids are often numbers: widget_claims checks it.
            options={"require": ["sub", "exp"], "verify_sub": False},
            leeway=TOKEN_LEEWAY_SECONDS,
        )
    except jwt.ExpiredSignatureError as exc:
        raise TokenError("the token has expired; reload the page to get a new one") from exc
    except jwt.InvalidTokenError as exc:
        raise TokenError("the token is not valid") from exc
    return widget_claims(claims)


def widget_claims(claims: dict) -> dict:
    """The claims we store, as the columns hold them: `sub` fits or is refused, text is cut to its column,
    `locale` becomes one of our LANGUAGES (`zh-Hans-CN-u-nu-hanidec` -> `zh-hans`) or None, `vip` a tier name."""
    sub = claims.get("sub")
    if isinstance(sub, bool) or not isinstance(sub, (str, int)) or not str(sub).strip():
        raise TokenError("the token has no subject")
    sub = str(sub).strip()
    texts = {name: claims.get(name) for name in ("name", "email", "locale")}
    vip = claims.get("vip")
    if any(value is not None and not isinstance(value, str) for value in texts.values()) or not isinstance(
        vip, (str, bool, type(None))
    ):
        raise TokenError("the token's name, email, locale and vip must be text")
    if not all(_storable(value) for value in (sub, *texts.values(), vip) if isinstance(value, str)):
        raise TokenError("the token holds a NUL character or invalid unicode")
    if len(sub) > _column("external_id"):
        raise TokenError("the token's user id (sub) is longer than 128 characters")
    if vip is True:
        vip = "vip"
    return {
        "sub": sub,
        "name": (texts["name"] or "").strip()[: _column("name")],
        "email": (texts["email"] or "").strip()[: _column("email")],
        "locale": errors.supported_language(texts["locale"]),
        "vip": (vip or "").strip()[: _column("vip")],
    }


def _column(name: str) -> int:
    return Customer._meta.get_field(name).max_length


def _storable(text: str) -> bool:
    """PostgreSQL text holds no NUL, and UTF-8 no lone surrogate (a `\\ud800` escape in the token's JSON)."""
    if "\x00" in text:
        return False
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


def customer_from_claims(claims: dict) -> Customer:
    """The customer a checked token (`verify_widget_token`) names, created or refreshed from its claims."""
    return tickets_services.customer_upsert(
        external_id=claims["sub"],
        name=claims["name"],
        email=claims["email"],
        locale=claims["locale"],
        vip=claims["vip"],
    )


def customer_hello(claims: dict) -> Customer:
    """A widget socket's hello: its customer (customer_from_claims), counted as connected (chat.customer_presence).
    One trip to a database thread for both."""
    customer = customer_from_claims(claims)
    customer_presence.socket_opened(customer.pk)
    return customer


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
    broadcast.waiting_changed()  # waiting customers are told how many agents are online


def agent_seen(user: User) -> None:
    accounts_services.presence_seen(user=user)


def agent_welcome(user: User) -> dict:
    accounts_services.presence_seen(user=user)
    if user.presence == "offline" and user.role == "agent":
        # Opening the console means "I am here" for agents; a supervisor watching is not taking chats.
        accounts_services.presence_set(user=user, presence="online")
        broadcast.waiting_changed()
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


def customer_from_bearer(request) -> Customer:
    """The customer an HTTP call's `Authorization: Bearer <widget token>` names (the widget sends no cookies)."""
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        raise TokenError("a signed token is required")
    return customer_from_claims(verify_widget_token(header.removeprefix("Bearer ").strip()))
