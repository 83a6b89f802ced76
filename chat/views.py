import time

import jwt
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csp import csp_override

from chat import selectors

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
            "agents": selectors.agents_for_transfer(exclude=request.user),
        },
    )


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
