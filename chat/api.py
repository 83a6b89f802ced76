"""chat's part of the exchange API (/api/v1/, docs/api.md): a conversation's transcript. The same keys, scopes,
errors and schema as the rest of the API (tickets.api.ApiView)."""

from django.shortcuts import get_object_or_404
from rest_framework.response import Response

from chat import selectors
from chat import serializers as s
from chat.models import Attachment, Conversation
from tickets.api import ApiView, api_read, staff_read


class Transcript(ApiView):
    required_scope = "transcripts:read"
    serializer_class = s.TranscriptSerializer

    def get(self, request, conversation_id: int):
        """What the customer saw, in order. Internal notes are never part of a transcript over the API."""
        conversation = get_object_or_404(Conversation.objects.select_related("customer"), pk=conversation_id)
        messages = selectors.customer_messages(conversation.pk).order_by("seq")
        about = {"conversation_id": conversation.pk, "ticket_id": conversation.ticket_id}
        staff_read(request, [api_read(conversation.customer, "transcript", **about)])
        rows = list(messages.values("id", "seq", "kind", "author_role", "author_name", "body", "payload", "created_at"))
        files = self.attachments_of([row.pop("id") for row in rows])
        for row in rows:
            row["attachments"] = files.get(row["seq"], [])
        body = {
            "conversation": conversation.pk,
            "ticket": conversation.ticket_id,
            "customer": conversation.customer.external_id,
            "status": conversation.status,
            "messages": rows,
        }
        return Response(s.TranscriptSerializer(body).data)

    def attachments_of(self, message_ids: list[int]) -> dict[int, list[dict]]:
        """The files of these (public) messages by seq, with fresh signed links (they expire: fetch them soon)."""
        found: dict[int, list[dict]] = {}
        for attachment in Attachment.objects.filter(message_id__in=message_ids).select_related("message"):
            item = attachment.as_frame()
            for key in ("url", "thumbnail_url"):
                item[key] = item[key] and self.request.build_absolute_uri(item[key])
            found.setdefault(attachment.message.seq, []).append(item)
        return found
