import json
import time
import uuid

import jwt
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csp import csp_override
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from chat import access, errors, selectors, services

DEMO_TOKEN_TTL = 60 * 60


@login_required
def console(request):
    if not request.user.is_agent:
        raise Http404
    return render(
        request,
        "chat/console.html",
        {
            "nav": "console",
            # The tickets app's sidebar module plugs into the console's hooks when it is installed; so does
            # recovery's, which links a case's card to the case's page.
            "ticket_sidebar": finders.find("js/ticket-sidebar.js") is not None,
            "recovery_console": finders.find("recovery/console-cases.js") is not None,
        },
    )


@never_cache
@login_required
def console_agents(request):
    """The transfer dialog's list, read when it opens: everyone's state and load as they are now."""
    if not request.user.is_agent:
        raise Http404
    return JsonResponse({"agents": selectors.agents_for_transfer(exclude=request.user)})


def _widget_policy() -> dict:
    policy = dict(settings.SECURE_CSP)
    policy["frame-ancestors"] = settings.WIDGET_EMBED_ORIGINS
    return policy


@xframe_options_exempt
@csp_override(_widget_policy())
def widget_frame(request):
    """The page inside the widget's iframe: our origin, our styles, isolated from the exchange's page."""
    return render(request, "chat/widget.html")


def demo_exchange(request):
    """A stand-in for the exchange's own site, with the widget embedded by one script tag."""
    if not settings.DEMO:
        raise Http404
    user = request.GET.get("user", "demo-alice")
    return render(request, "chat/demo_exchange.html", {"demo_user": user})


@never_cache
def demo_token(request):
    """What the exchange's backend does: sign a short-lived widget token for its logged-in user."""
    if not settings.DEMO:
        raise Http404
    sub = request.GET.get("user", "demo-alice")[:64]
    names = {
        "demo-alice": ("Alice Moreau", "en", ""),
        "demo-ivan": ("Иван Петров", "ru", "gold"),
        "demo-layla": ("ليلى حسن", "ar", ""),
    }
    name, locale, vip = names.get(sub, (sub, request.GET.get("locale", "en"), ""))
    locale = request.GET.get("locale", locale)
    claims = {"sub": sub, "name": name, "locale": locale, "vip": vip, "exp": int(time.time()) + DEMO_TOKEN_TTL}
    return JsonResponse({"token": jwt.encode(claims, settings.WIDGET_SECRET, algorithm="HS256")})


def customer_from_bearer(request):
    """The widget authenticates HTTP calls with the same signed token as its socket (no cookies)."""
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        raise access.TokenError("a signed token is required")
    return access.customer_from_claims(access.verify_widget_token(header.removeprefix("Bearer ").strip()))


def _survey_refusal(status: int, code: str, detail: str, language: str) -> JsonResponse:
    """The widget shows `detail`: in the customer's language, as on the socket (chat/errors.py)."""
    return JsonResponse({"error": code, "detail": errors.error_detail(code, detail, language)}, status=status)


@login_required
@require_POST
def lookalike_warning(request, conversation_id: int):
    """The console's one-click warning about a look-alike link: sent as the agent's reply, in the customer's language
    (chat.services.lookalike_warning_post). The message reaches the console over its socket like any other."""
    if not request.user.is_agent:
        raise Http404
    try:
        data = json.loads(request.body or b"{}")
        host, msg_id = data.get("host"), data.get("client_msg_id")
        client_msg_id = uuid.UUID(msg_id) if msg_id else None
    except (ValueError, AttributeError, TypeError):
        return JsonResponse({"error": "bad_request", "detail": 'send JSON {"host": "..."}'}, status=400)
    language = translation.get_language()
    try:
        posted = services.lookalike_warning_post(
            agent=request.user, conversation_id=conversation_id, host=host, client_msg_id=client_msg_id
        )
    except services.ChatError as exc:
        status = 404 if exc.code == "not_found" else 409
        return JsonResponse(
            {"error": exc.code, "detail": errors.error_detail(exc.code, exc.detail, language)}, status=status
        )
    return JsonResponse({"conversation": conversation_id, "seq": posted.message.staff_seq}, status=201)


@csrf_exempt  # no cookies are involved: the bearer token is the credential
@require_POST
def survey_answer(request, conversation_id: int):
    try:
        customer = customer_from_bearer(request)
    except access.TokenError as exc:
        # No token to read a language from: the browser's (LocaleMiddleware) is the best guess.
        return _survey_refusal(401, "unauthorized", str(exc), translation.get_language())
    try:
        data = json.loads(request.body or b"{}")
        value = data.get("value")
        comment = data.get("comment", "")
        if not isinstance(value, str) or not isinstance(comment, str):
            raise ValueError
    except (ValueError, AttributeError):
        return JsonResponse({"error": "bad_request", "detail": 'send JSON {"value": "yes|partly|no"}'}, status=400)
    try:
        rating = services.satisfaction_record(
            customer=customer, conversation_id=conversation_id, answer=value, comment=comment
        )
    except services.ChatError as exc:
        status = 404 if exc.code == "not_found" else 400
        return _survey_refusal(status, exc.code, exc.detail, customer.locale or translation.get_language())
    return JsonResponse({"answer": rating.answer, "comment": rating.comment})
