"""Server-rendered pages for staff: the recovery cases list and one case, where the agent holding the chat (or a
supervisor) moves it one allowed step. Plain forms with CSRF; no script needed."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.access import staff_required
from chat import access
from recovery import chains as chain_registry
from recovery import selectors, services, timeline_words
from recovery.models import ChainFinding, RecoveryCase
from recovery.services import TRANSITIONS, RecoveryError
from recovery.walkthrough_cards import RESULT_TITLES
from tickets.timeline_words import sentence

S = RecoveryCase.Status
# What the button does, in the agent's words (translated where the page is drawn).
ACTIONS = {
    S.UNDER_REVIEW: gettext_noop("Start the review"),
    S.AWAITING_CUSTOMER: gettext_noop("Send the quote to the customer"),
    S.APPROVED: gettext_noop("The customer approved"),
    S.REJECTED: gettext_noop("Reject"),
    S.PROCESSING: gettext_noop("Start processing"),
    S.COMPLETED_CREDITED: gettext_noop("Done: credited"),
    S.COMPLETED_REFUNDED: gettext_noop("Done: refunded"),
}
FINDING_WORDS = {
    ChainFinding.Status.FOUND: gettext_noop("found"),
    ChainFinding.Status.NOT_FOUND: gettext_noop("not found"),
    ChainFinding.Status.UNKNOWN: gettext_noop("did not answer"),
    ChainFinding.Status.MISCONFIGURED: gettext_noop("misconfigured"),
}
ONLY_HOLDER = gettext_noop("Only the agent holding this chat, or a supervisor, can move the case.")


@staff_required
def case_list(request):
    closed = request.GET.get("show") == "closed"
    cases = list(selectors.cases_for(request.user, closed=closed)[:200])
    for case in cases:
        case.verdict_label = _(RESULT_TITLES[case.lookup.verdict]) if case.lookup.verdict in RESULT_TITLES else "—"
        case.status_label = timeline_words.status_words(case.status)
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
    customer_name = case.customer.display_name
    context = {
        "case": case,
        "status_label": timeline_words.status_words(case.status),
        "verdict_label": _(RESULT_TITLES[case.lookup.verdict]) if case.lookup.verdict in RESULT_TITLES else "",
        # Worded again in the reader's language from what each chain answered (the stored words are English).
        "explanation": selectors.lookup_words(case.lookup, registry)[0] if case.lookup.verdict else "",
        "found": found,
        "chain_name": chain.name if chain else (found.chain if found else ""),
        "home_name": _chain_name(registry, found.to_customer_chain) if found and found.to_customer_chain else "",
        "tx_url": chain.tx_url(case.lookup.tx_hash) if chain else "",
        "findings": [(_chain_name(registry, f.chain), _finding(f)) for f in selectors.findings_of(case.lookup)],
        "events": [(event, sentence(event, customer_name)) for event in selectors.case_events(case)],
        "may_act": may_act,
        "next_statuses": [(status, _(ACTIONS[status])) for status in TRANSITIONS[case.status]],
        # The page follows the chat live from here on (recovery/static/recovery/case-live.js).
        "last_staff_seq": selectors.conversation_last_staff_seq(case.conversation_id),
    }
    return render(request, "recovery/case.html", context)


def _move(request, case: RecoveryCase, may_act: bool):
    if not may_act:
        messages.error(request, _(ONLY_HOLDER))
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
        messages.error(request, _(exc.detail))
    return redirect("recovery_case", case_id=case.pk)


def _finding(finding: ChainFinding) -> ChainFinding:
    finding.status_words = _(FINDING_WORDS.get(finding.status, finding.status))
    return finding


def _chain_name(registry, key: str) -> str:
    chain = registry.get(key)
    return chain.name if chain else key
