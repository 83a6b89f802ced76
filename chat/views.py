import time
import uuid

import jwt
from django.conf import settings
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext_noop
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csp import csp_override
from rest_framework.response import Response

from accounts.access import staff_required
from chat import errors, selectors, services
from chat.console_modules import console_modules
from chat.widget_api import Refused, StaffSessionAuthentication, WidgetEndpoint, WidgetTokenAuthentication
from tickets import demo as tickets_demo

DEMO_TOKEN_TTL = 60 * 60


@staff_required
def console(request):
    return render(
        request,
        "chat/console.html",
        {
            "nav": "console",
            # Modules of apps above chat that plug into the console's hooks (chat/console_modules.py).
            "console_modules": console_modules(),
        },
    )


@never_cache
@staff_required
def console_agents(request):
    """The transfer dialog's list, read when it opens: everyone's state and load as they are now."""
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
    known = next((c for c in tickets_demo.CUSTOMERS if c["external_id"] == sub), {})  # the seeded demo customers
    name, vip = known.get("name", sub), known.get("vip", "")
    locale = request.GET.get("locale", known.get("locale", "en"))
    claims = {"sub": sub, "name": name, "locale": locale, "vip": vip, "exp": int(time.time()) + DEMO_TOKEN_TTL}
    return JsonResponse({"token": jwt.encode(claims, settings.WIDGET_SECRET, algorithm="HS256")})


class LookalikeWarning(WidgetEndpoint):
    """The console's one-click warning about a look-alike link: sent as the agent's reply, in the customer's language
    (chat.services.lookalike_warning_post). The message reaches the console over its socket like any other. Staff
    only: their session and its CSRF token."""

    authentication_classes = [StaffSessionAuthentication]
    unauthenticated = gettext_noop("sign in to the console")

    def post(self, request, conversation_id: int):
        data = self.json_object()
        host, msg_id = data.get("host"), data.get("client_msg_id")
        try:
            client_msg_id = uuid.UUID(msg_id) if msg_id else None
        except (ValueError, AttributeError, TypeError) as exc:
            raise Refused(400, "bad_request", self.bad_json) from exc
        if not isinstance(host, str):
            raise Refused(400, "bad_request", self.bad_json)
        posted = services.lookalike_warning_post(
            agent=request.user, conversation_id=conversation_id, host=host, client_msg_id=client_msg_id
        )
        return Response({"conversation": conversation_id, "seq": posted.message.staff_seq}, status=201)

    def refusal(self, exc: Exception) -> Refused | None:
        if isinstance(exc, services.ChatError):
            return Refused(404 if exc.code == "not_found" else 409, exc.code, exc.detail)
        return None

    def say(self, code: str, detail: str) -> str:
        if code in ("unauthorized", "csrf", "bad_request"):
            return super().say(code, detail)
        return errors.error_detail(code, detail, translation.get_language())


lookalike_warning = LookalikeWarning.as_view()


class SurveyAnswer(WidgetEndpoint):
    """The customer's answer to "Did you feel heard?" (docs/chat.md), by the widget's token only."""

    authentication_classes = [WidgetTokenAuthentication]
    unauthenticated = "a signed token is required"
    bad_json = 'send JSON {"value": "yes|partly|no"}'

    def post(self, request, conversation_id: int):
        data = self.json_object()
        value, comment = data.get("value"), data.get("comment", "")
        if not isinstance(value, str) or not isinstance(comment, str):
            raise Refused(400, "bad_request", self.bad_json)
        customer = request.user.customer
        self.language = customer.locale or translation.get_language()
        rating = services.satisfaction_record(
            customer=customer, conversation_id=conversation_id, answer=value, comment=comment
        )
        return Response({"answer": rating.answer, "comment": rating.comment})

    def refusal(self, exc: Exception) -> Refused | None:
        if isinstance(exc, services.ChatError):
            return Refused(404 if exc.code == "not_found" else 400, exc.code, exc.detail)
        return None

    def say(self, code: str, detail: str) -> str:
        """The widget shows `detail`: in the customer's language, as on the socket (chat/errors.py); before the
        token is read, the browser's (LocaleMiddleware)."""
        return errors.error_detail(code, detail, getattr(self, "language", None) or translation.get_language())


survey_answer = SurveyAnswer.as_view()
