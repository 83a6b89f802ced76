"""Thin views: parse, authorise, call a selector or a service, render."""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from accounts.access import staff_required
from chat.models import Conversation, Satisfaction
from supervisor import exports, selectors
from supervisor.forms import HistoryFilterForm
from supervisor.paging import capped_page
from supervisor.timeline import transcript_entries
from tickets import services as tickets_services
from tickets.models import CustomerAccess

What = CustomerAccess.What

PAGE_SIZE = 25


@staff_required
def history(request):
    form = HistoryFilterForm(request.GET or None, show_agent=request.user.is_supervisor)
    filters = {}
    if form.is_bound:
        form.is_valid()  # an invalid field is reported beside itself; the valid ones still filter
        filters = form.cleaned_data
    conversations = selectors.history(request.user, filters)
    page = capped_page(conversations, request.GET.get("page"), per_page=PAGE_SIZE, cap=settings.HISTORY_COUNT_CAP)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "supervisor/history.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


def _visible_conversation(request, conversation_id: int, what: str, ref: str = "") -> Conversation:
    """The conversation, if this viewer may see it; the view is recorded in the access log (docs/SECURITY.md)."""
    if not selectors.may_view(request.user, conversation_id):
        raise Http404
    conversation = get_object_or_404(
        Conversation.objects.select_related("customer", "assignee", "ticket"), pk=conversation_id
    )
    tickets_services.customer_access(
        staff=request.user,
        customer_id=conversation.customer_id,
        what=what,
        ref=ref,
        conversation_id=conversation.pk,
        ticket_id=conversation.ticket_id,
    )
    return conversation


def transcript_url(conversation_id: int) -> str:
    """Where staff read a whole chat (registered with chat.links by SupervisorConfig.ready)."""
    return reverse("transcript", args=[conversation_id])


@staff_required
def transcript(request, conversation_id: int):
    conversation = _visible_conversation(request, conversation_id, What.TRANSCRIPT)
    entries = transcript_entries(conversation)
    satisfaction = Satisfaction.objects.filter(conversation=conversation).first()
    return render(
        request,
        "supervisor/transcript.html",
        {"conversation": conversation, "entries": entries, "satisfaction": satisfaction},
    )


@staff_required
def transcript_json(request, conversation_id: int):
    conversation = _visible_conversation(request, conversation_id, What.EXPORT, "json")
    body = exports.as_json(conversation.pk, transcript_entries(conversation))
    return _download(body, "application/json", f"conversation-{conversation.pk}.json")


@staff_required
def transcript_csv(request, conversation_id: int):
    conversation = _visible_conversation(request, conversation_id, What.EXPORT, "csv")
    body = exports.as_csv(transcript_entries(conversation))
    return _download(body, "text/csv", f"conversation-{conversation.pk}.csv")


def _download(body: str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
