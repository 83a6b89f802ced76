"""Recovery's JSON endpoints, for the widget (Authorization: Bearer <widget token>) and the console (session +
CSRF), on Django REST framework (chat.widget_api). Thin: parse, authorise, call the walkthrough/services, answer."""

from django.utils.decorators import method_decorator
from django.utils.translation import gettext_noop
from django.views.decorators.cache import never_cache
from rest_framework.response import Response

from chat import access
from chat.models import Conversation
from chat.widget_api import Refused, WidgetEndpoint
from recovery import chains as chain_registry
from recovery import selectors, services, walkthrough, walkthrough_cards
from recovery.chains import ChainsFileError
from recovery.models import Lookup, RecoveryCase, Walkthrough
from recovery.services import RecoveryError


class RecoveryEndpoint(WidgetEndpoint):
    """A customer by the widget's token, or a signed-in agent; refusals in the reader's language."""

    def refusal(self, exc: Exception) -> Refused | None:
        if isinstance(exc, RecoveryError):
            return Refused(409 if exc.code in ("stale_step", "bad_transition") else 400, exc.code, exc.detail)
        if isinstance(exc, ChainsFileError):
            # The operator's file is wrong (`manage.py check` names it); the customer gets a calm answer.
            detail = gettext_noop("transaction lookups are not available right now; an agent can help you")
            return Refused(503, "lookups_unavailable", detail)
        return None

    @property
    def customer(self):
        return getattr(self.request.user, "customer", None)

    @property
    def agent(self):
        return None if self.customer is not None else self.request.user

    def may_see(self, conversation_id: int | None) -> bool:
        if conversation_id is None:
            return False
        if self.customer is not None:
            return access.customer_owns(self.customer, conversation_id)
        return access.staff_may_view(self.agent, conversation_id)

    def may_act(self, conversation_id: int) -> bool:
        """Customers act in their own chat; staff only in a chat they hold (supervisors anywhere)."""
        if self.customer is not None:
            return access.customer_owns(self.customer, conversation_id)
        return self.agent.is_supervisor or access.is_assignee(self.agent, conversation_id)


def _not_found() -> Refused:
    return Refused(404, "not_found", gettext_noop("no such walkthrough, lookup or case"))


class WalkthroughStart(RecoveryEndpoint):
    def post(self, request):
        if self.customer is not None:
            started = walkthrough.walkthrough_start(customer=self.customer)
        else:
            conversation_id = self.json_object().get("conversation")
            if not isinstance(conversation_id, int) or not Conversation.objects.filter(pk=conversation_id).exists():
                raise Refused(400, "bad_request", 'send {"conversation": <id>}')
            if not self.may_act(conversation_id):
                raise Refused(403, "forbidden", gettext_noop("accept this conversation before starting a walkthrough"))
            started = walkthrough.walkthrough_start(agent=self.agent, conversation_id=conversation_id)
        return Response(_walkthrough_json(started), status=201)


class WalkthroughAnswer(RecoveryEndpoint):
    def post(self, request, walkthrough_id: int):
        found = Walkthrough.objects.filter(pk=walkthrough_id).first()
        if found is None or not self.may_see(found.conversation_id):
            raise _not_found()
        if not self.may_act(found.conversation_id):
            detail = gettext_noop("accept this conversation before answering for the customer")
            raise Refused(403, "forbidden", detail)
        data = self.json_object()
        if not isinstance(data.get("step"), str):
            raise Refused(400, "bad_request", 'send {"step": "...", "value": "..."}')
        answered = walkthrough.walkthrough_answer(
            walkthrough_id=found.pk, step=data["step"], value=data.get("value"), agent=self.agent
        )
        return Response(_walkthrough_json(answered))


@method_decorator(never_cache, name="dispatch")
class LookupBlocks(RecoveryEndpoint):
    """The current progress of a lookup, for a client that reconnects (payload.refresh_url)."""

    def get(self, request, lookup_id: int):
        lookup = Lookup.objects.filter(pk=lookup_id).first()
        if lookup is None or not self.may_see(lookup.conversation_id):
            raise _not_found()
        registry = chain_registry.registry()
        with selectors.conversation_language(lookup.conversation_id):  # the card as the customer reads it
            theirs = selectors.progress_blocks(lookup, registry)
        data = {"blocks": theirs, "status": lookup.status, "verdict": lookup.verdict or None}
        if self.agent is not None:  # staff read it in their own language, the customer's beside it (docs/cards.md)
            blocks = selectors.progress_blocks(lookup, registry)
            if blocks != theirs:
                data.update(blocks=blocks, customer_view={"blocks": theirs})
        return Response(data)


class CaseStatus(RecoveryEndpoint):
    """The agent moves a recovery case one step (console)."""

    def post(self, request, case_id: int):
        case = RecoveryCase.objects.filter(pk=case_id).first()
        if self.agent is None:
            raise Refused(403, "forbidden", "only staff manage recovery cases")
        if case is None or not self.may_see(case.conversation_id):
            raise _not_found()
        if not self.may_act(case.conversation_id):
            raise Refused(403, "forbidden", "only the agent holding the chat (or a supervisor) manages its case")
        data = self.json_object()
        fields = {key: data.get(key, "") for key in ("status", "fee_quote", "timeline_text", "note")}
        if not all(isinstance(value, str) for value in fields.values()):
            raise Refused(400, "bad_request", "status, fee_quote, timeline_text and note are strings")
        case = services.case_transition(
            case_id=case.pk,
            to_status=fields["status"],
            actor=self.agent,
            fee_quote=fields["fee_quote"],
            timeline_text=fields["timeline_text"],
            note=fields["note"],
        )
        return Response({"case": case.pk, "status": case.status})


def _walkthrough_json(found: Walkthrough) -> dict:
    return {
        "walkthrough": found.pk,
        "conversation": found.conversation_id,
        "step": found.step,
        "answer_url": walkthrough_cards.answer_url(found),
        "lookup": found.lookup_id,
    }


walkthrough_start = WalkthroughStart.as_view()
walkthrough_answer = WalkthroughAnswer.as_view()
lookup_blocks = LookupBlocks.as_view()
case_status = CaseStatus.as_view()
