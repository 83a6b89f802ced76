"""Live monitoring: the ongoing chats, watched read-only over the agent socket, with a note and a hand reassign."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import staff_required
from chat import errors
from chat import services as chat_services
from common.inputs import id_from_text
from supervisor import selectors


@staff_required(supervisor=True)
def monitor(request):
    return render(
        request,
        "supervisor/monitor.html",
        {"conversations": selectors.ongoing(), "agents": selectors.reassign_targets()},
    )


@staff_required(supervisor=True)
def monitor_rows(request):
    """The table body alone, re-read by monitor.js whenever the socket says something changed."""
    return render(request, "supervisor/_monitor_rows.html", {"conversations": selectors.ongoing()})


@staff_required(supervisor=True)
@require_POST
def reassign(request, conversation_id: int):
    back = f"{reverse('monitor')}?watch={conversation_id}"
    to_agent_id = id_from_text(request.POST.get("to_agent", ""))
    if to_agent_id is None:
        messages.error(request, _("Choose the agent who should take this chat."))
        return redirect(back)
    reason = request.POST.get("reason", "").strip()[:500]
    if not reason:
        messages.error(request, _("Say in a few words why the chat is moving; the agents will read it."))
        return redirect(back)
    try:
        conversation = chat_services.conversation_reassign(
            supervisor=request.user, conversation_id=conversation_id, to_agent_id=to_agent_id, reason=reason
        )
    except chat_services.ChatError as exc:
        messages.error(request, errors.error_detail(exc.code, exc.detail, get_language()))
        return redirect(back)
    moved = {"customer": conversation.customer.display_name, "agent": conversation.assignee.display_name}
    messages.success(request, _("The chat with %(customer)s is now with %(agent)s.") % moved)
    return redirect(back)
