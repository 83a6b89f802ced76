"""Recovery's HTTP endpoints, for the widget (Authorization: Bearer <widget token>) and the console (session +
CSRF). Thin: parse, authorise, call the walkthrough/services, answer JSON."""

import json
from dataclasses import dataclass

from django.http import JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils import translation
from django.utils.translation import gettext, gettext_noop
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from chat import access, errors
from chat.models import Conversation
from recovery import chains as chain_registry
from recovery import selectors, services, walkthrough
from recovery.chains import ChainsFileError
from recovery.models import Lookup, RecoveryCase, Walkthrough
from recovery.services import RecoveryError
from tickets.models import Customer


@dataclass(frozen=True)
class Caller:
    customer: Customer | None = None
    agent: User | None = None


class Refused(Exception):
    def __init__(self, status: int, code: str, detail: str):
        super().__init__(detail)
        self.response = JsonResponse({"error": code, "detail": gettext(detail)}, status=status)


def _caller(request) -> Caller:
    """A customer by the widget's bearer token, or a signed-in agent (whose POSTs must carry the CSRF token)."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        try:
            claims = access.verify_widget_token(header.removeprefix("Bearer ").strip())
        except access.TokenError as exc:
            raise Refused(401, "unauthorized", str(exc)) from exc
        return Caller(customer=access.customer_from_claims(claims))
    user = request.user
    if not user.is_authenticated or not user.is_agent:
        raise Refused(401, "unauthorized", gettext_noop("sign in, or send the widget token"))
    if request.method == "POST":
        middleware = CsrfViewMiddleware(lambda req: None)
        middleware.process_request(request)
        if middleware.process_view(request, None, (), {}) is not None:
            raise Refused(403, "csrf", gettext_noop("the CSRF token is missing or wrong; reload the page"))
    return Caller(agent=user)


def _may_see(caller: Caller, conversation_id: int | None) -> bool:
    if conversation_id is None:
        return False
    if caller.customer is not None:
        return access.customer_owns(caller.customer, conversation_id)
    return access.staff_may_view(caller.agent, conversation_id)


def _may_act(caller: Caller, conversation_id: int) -> bool:
    """Customers act in their own chat; staff only in a chat they hold (supervisors anywhere)."""
    if caller.customer is not None:
        return access.customer_owns(caller.customer, conversation_id)
    return caller.agent.is_supervisor or access.is_assignee(caller.agent, conversation_id)


def _json_body(request) -> dict:
    try:
        data = json.loads(request.body or b"{}")
    except ValueError as exc:
        raise Refused(400, "bad_request", gettext_noop("send a JSON object")) from exc
    if not isinstance(data, dict):
        raise Refused(400, "bad_request", gettext_noop("send a JSON object"))
    return data


def _endpoint(view):
    """Turn refusals into JSON answers with the right status, in the reader's language (the widget shows them)."""

    def wrapped(request, *args, **kwargs):
        with translation.override(_reader_language(request)):
            try:
                return view(request, *args, **kwargs)
            except Refused as refused:
                return refused.response
            except RecoveryError as exc:
                status = 409 if exc.code in ("stale_step", "bad_transition") else 400
                return JsonResponse({"error": exc.code, "detail": gettext(exc.detail)}, status=status)
            except ChainsFileError:
                # The operator's file is wrong (`manage.py check` names it); the customer gets a calm answer.
                detail = gettext("transaction lookups are not available right now; an agent can help you")
                return JsonResponse({"error": "lookups_unavailable", "detail": detail}, status=503)

    wrapped.__name__ = view.__name__
    return wrapped


def _reader_language(request) -> str:
    """A customer reads the language of their widget token (as on the socket); an agent, the page's."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        try:
            claims = access.verify_widget_token(header.removeprefix("Bearer ").strip())
        except access.TokenError:
            claims = {}  # an expired token: the browser's language (LocaleMiddleware) is the best guess
        if language := errors.supported_language(claims.get("locale")):
            return language
    return translation.get_language() or "en"


def _not_found() -> Refused:
    return Refused(404, "not_found", gettext_noop("no such walkthrough, lookup or case"))


@csrf_exempt  # checked by _caller for the session; a bearer token involves no cookie
@require_POST
@_endpoint
def walkthrough_start(request):
    caller = _caller(request)
    if caller.customer is not None:
        started = walkthrough.walkthrough_start(customer=caller.customer)
    else:
        conversation_id = _json_body(request).get("conversation")
        if not isinstance(conversation_id, int) or not Conversation.objects.filter(pk=conversation_id).exists():
            raise Refused(400, "bad_request", 'send {"conversation": <id>}')
        if not _may_act(caller, conversation_id):
            raise Refused(403, "forbidden", gettext_noop("accept this conversation before starting a walkthrough"))
        started = walkthrough.walkthrough_start(agent=caller.agent, conversation_id=conversation_id)
    return JsonResponse(_walkthrough_json(started), status=201)


@csrf_exempt
@require_POST
@_endpoint
def walkthrough_answer(request, walkthrough_id: int):
    caller = _caller(request)
    found = Walkthrough.objects.filter(pk=walkthrough_id).first()
    if found is None or not _may_see(caller, found.conversation_id):
        raise _not_found()
    if not _may_act(caller, found.conversation_id):
        raise Refused(403, "forbidden", gettext_noop("accept this conversation before answering for the customer"))
    data = _json_body(request)
    if not isinstance(data.get("step"), str):
        raise Refused(400, "bad_request", 'send {"step": "...", "value": "..."}')
    answered = walkthrough.walkthrough_answer(
        walkthrough_id=found.pk, step=data["step"], value=data.get("value"), agent=caller.agent
    )
    return JsonResponse(_walkthrough_json(answered))


@never_cache
@require_GET
@_endpoint
def lookup_blocks(request, lookup_id: int):
    """The current progress of a lookup, for a client that reconnects (payload.refresh_url)."""
    caller = _caller(request)
    lookup = Lookup.objects.filter(pk=lookup_id).first()
    if lookup is None or not _may_see(caller, lookup.conversation_id):
        raise _not_found()
    registry = chain_registry.registry()
    with selectors.conversation_language(lookup.conversation_id):  # the card as the customer reads it
        theirs = selectors.progress_blocks(lookup, registry)
    data = {"blocks": theirs, "status": lookup.status, "verdict": lookup.verdict or None}
    if caller.agent is not None:  # staff read it in their own language, the customer's beside it (docs/cards.md)
        blocks = selectors.progress_blocks(lookup, registry)
        if blocks != theirs:
            data.update(blocks=blocks, customer_view={"blocks": theirs})
    return JsonResponse(data)


@csrf_exempt
@require_POST
@_endpoint
def case_status(request, case_id: int):
    """The agent moves a recovery case one step (console)."""
    caller = _caller(request)
    case = RecoveryCase.objects.filter(pk=case_id).first()
    if caller.agent is None:
        raise Refused(403, "forbidden", "only staff manage recovery cases")
    if case is None or not _may_see(caller, case.conversation_id):
        raise _not_found()
    if not _may_act(caller, case.conversation_id):
        raise Refused(403, "forbidden", "only the agent holding the chat (or a supervisor) manages its case")
    data = _json_body(request)
    fields = {key: data.get(key, "") for key in ("status", "fee_quote", "timeline_text", "note")}
    if not all(isinstance(value, str) for value in fields.values()):
        raise Refused(400, "bad_request", "status, fee_quote, timeline_text and note are strings")
    case = services.case_transition(
        case_id=case.pk,
        to_status=fields["status"],
        actor=caller.agent,
        fee_quote=fields["fee_quote"],
        timeline_text=fields["timeline_text"],
        note=fields["note"],
    )
    return JsonResponse({"case": case.pk, "status": case.status})


def _walkthrough_json(found: Walkthrough) -> dict:
    return {
        "walkthrough": found.pk,
        "conversation": found.conversation_id,
        "step": found.step,
        "answer_url": walkthrough.answer_url(found),
        "lookup": found.lookup_id,
    }
