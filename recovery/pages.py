"""Server-rendered pages for staff: the recovery cases list and one case, where the agent holding the chat (or a
supervisor) moves it one allowed step. Plain forms with CSRF; no script needed."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from accounts.access import staff_required
from chat import access
from recovery import chains as chain_registry
from recovery import selectors, services
from recovery.models import RecoveryCase
from recovery.services import TRANSITIONS, RecoveryError
from recovery.walkthrough import RESULT_TITLES

S = RecoveryCase.Status
# What the button does, in the agent's words.
ACTIONS = {
    S.UNDER_REVIEW: "Start the review",
    S.AWAITING_CUSTOMER: "Send the quote to the customer",
    S.APPROVED: "The customer approved",
    S.REJECTED: "Reject",
    S.PROCESSING: "Start processing",
    S.COMPLETED_CREDITED: "Done: credited",
    S.COMPLETED_REFUNDED: "Done: refunded",
}


@staff_required
def case_list(request):
    closed = request.GET.get("show") == "closed"
    cases = list(selectors.cases_for(request.user, closed=closed)[:200])
    for case in cases:
        case.verdict_label = RESULT_TITLES.get(case.lookup.verdict, case.lookup.verdict)
    return render(request, "recovery/cases.html", {"cases": cases, "closed": closed})


@staff_required
def case_detail(request, case_id: int):
    case = get_object_or_404(RecoveryCase.objects.select_related("customer", "lookup"), pk=case_id)
    if not access.staff_may_view(request.user, case.conversation_id):
        raise Http404
    may_act = request.user.is_supervisor or access.is_assignee(request.user, case.conversation_id)
    if request.method == "POST":
        return _move(request, case, may_act)
    registry = chain_registry.registry()
    found = selectors.lookup_found(case.lookup)
    chain = registry.get(found.chain) if found else None
    context = {
        "case": case,
        "found": found,
        "chain_name": chain.name if chain else (found.chain if found else ""),
        "home_name": _chain_name(registry, found.to_customer_chain) if found and found.to_customer_chain else "",
        "tx_url": chain.tx_url(case.lookup.tx_hash) if chain else "",
        "findings": [(_chain_name(registry, f.chain), f) for f in selectors.findings_of(case.lookup)],
        "events": [
            (event, _label(event.data.get("from")), _label(event.data.get("to")))
            for event in selectors.case_events(case)
        ],
        "may_act": may_act,
        "next_statuses": [(status, ACTIONS[status]) for status in TRANSITIONS[case.status]],
    }
    return render(request, "recovery/case.html", context)


def _move(request, case: RecoveryCase, may_act: bool):
    if not may_act:
        messages.error(request, "Only the agent holding this chat, or a supervisor, can move the case.")
        return redirect("recovery_case", case_id=case.pk)
    try:
        services.case_transition(
            case_id=case.pk,
            to_status=request.POST.get("status", ""),
            actor=request.user,
            fee_quote=request.POST.get("fee_quote", ""),
            timeline_text=request.POST.get("timeline_text", ""),
            note=request.POST.get("note", ""),
        )
    except RecoveryError as exc:
        messages.error(request, exc.detail)
    return redirect("recovery_case", case_id=case.pk)


def _label(status: str | None) -> str:
    return S(status).label if status in S.values else ""


def _chain_name(registry, key: str) -> str:
    chain = registry.get(key)
    return chain.name if chain else key
