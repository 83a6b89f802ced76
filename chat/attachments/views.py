"""Attachments over HTTP: upload, fresh links, and the file itself behind a signed link (docs/protocol.md).

Customers authenticate with the widget's bearer token (no cookies); staff with their session, and a POST from a
session must pass Django's CSRF check. Every refusal is JSON {"code","detail"} with a 4xx status, the detail in the
reader's language."""

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.exceptions import BadRequest, RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponseRedirect, JsonResponse, StreamingHttpResponse
from django.http.multipartparser import MultiPartParserError
from django.middleware.csrf import CsrfViewMiddleware
from django.utils import translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from chat import access as chat_access
from chat.attachments import access, links, services
from chat.attachments.errors import (
    CSRF_FAILED,
    LINK_EXPIRED,
    LINK_INVALID,
    NO_CREDENTIALS,
    NO_SUCH,
    TOO_BIG,
    AttachmentRefused,
)
from chat.attachments.files import human_size
from chat.errors import supported_language
from chat.models import Attachment

CHUNK_BYTES = 64 * 1024
# Room for the multipart envelope around the largest file we take.
ENVELOPE_BYTES = 64 * 1024
# What a served file may do in a browser: nothing. Pictures may show themselves, nothing else loads or runs.
PICTURE_POLICY = "sandbox; default-src 'none'; img-src 'self'"
DOCUMENT_POLICY = "sandbox; default-src 'none'"


def refusal(exc: AttachmentRefused, language: str | None = None) -> JsonResponse:
    with translation.override(supported_language(language) or translation.get_language() or "en"):
        detail = gettext(exc.detail)
    detail = detail % exc.params if exc.params else detail
    return JsonResponse({"code": exc.code, "detail": detail}, status=exc.status)


def _customer(request: HttpRequest):
    """The customer behind a bearer token; None when the request has none."""
    if not request.headers.get("Authorization", "").startswith("Bearer "):
        return None
    try:
        return chat_access.customer_from_bearer(request)
    except chat_access.TokenError as exc:
        raise AttachmentRefused("unauthorized", str(exc)) from exc


def _staff(request: HttpRequest):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_agent:
        raise AttachmentRefused("forbidden", NO_CREDENTIALS)
    return user


def _csrf_failed(request: HttpRequest) -> bool:
    """The check CsrfViewMiddleware makes, for the staff half of a view that bearer tokens also use."""
    return CsrfViewMiddleware(lambda _request: None).process_view(request, None, (), {}) is not None


@csrf_exempt  # a bearer token is not ambient: no CSRF. A staff session is checked by hand below.
@require_POST
@never_cache
def upload(request: HttpRequest):
    customer = None
    try:
        customer = _customer(request)
        staff = None if customer is not None else _staff(request)
        if staff is not None and _csrf_failed(request):
            raise AttachmentRefused("forbidden", CSRF_FAILED)
        if int(request.META.get("CONTENT_LENGTH") or 0) > settings.ATTACHMENT_MAX_BYTES + ENVELOPE_BYTES:
            raise AttachmentRefused("too_large", TOO_BIG, limit=human_size(settings.ATTACHMENT_MAX_BYTES))
        upload, conversation_id = _form(request)
        attachment = services.attachment_upload(
            upload=upload, customer=customer, staff=staff, conversation_id=conversation_id
        )
    except AttachmentRefused as exc:
        return refusal(exc, customer.locale if customer is not None else None)
    return JsonResponse(attachment.as_frame(), status=201)


def _form(request: HttpRequest):
    try:
        upload = request.FILES.get("file")
        conversation = request.POST.get("conversation") or None
    except RequestDataTooBig as exc:
        raise AttachmentRefused("too_large", TOO_BIG, limit=human_size(settings.ATTACHMENT_MAX_BYTES)) from exc
    except (MultiPartParserError, SuspiciousOperation, BadRequest, ValueError) as exc:
        raise AttachmentRefused("bad_request", 'send multipart/form-data with the file in "file"') from exc
    if upload is None:
        raise AttachmentRefused("bad_request", 'send multipart/form-data with the file in "file"')
    if conversation is not None and (not conversation.isdigit() or len(conversation) > 18):
        raise AttachmentRefused("bad_request", '"conversation" must be an integer')
    return upload, int(conversation) if conversation is not None else None


def _visible(request: HttpRequest, attachment_id):
    """(the attachment, the reader's language) for whoever asks: a customer with a token, or staff."""
    customer = _customer(request)
    if customer is not None:
        found = access.visible_to_customer(customer, attachment_id)
        language = customer.locale
    else:
        found = access.visible_to_staff(_staff(request), attachment_id)
        language = None
    if found is None:
        raise AttachmentRefused("not_found", NO_SUCH)
    return found, language


@require_safe
@never_cache
def describe(request: HttpRequest, attachment_id):
    """Fresh links to one attachment, for a client whose links have expired (a chat left open for an hour)."""
    try:
        attachment, _language = _visible(request, attachment_id)
    except AttachmentRefused as exc:
        return refusal(exc)
    return JsonResponse(attachment.as_frame())


@require_safe
@never_cache
def open_for_staff(request: HttpRequest, attachment_id):
    """A link that does not expire, for staff (transcripts, exports): a fresh signed link behind the session."""
    try:
        _staff(request)
        attachment, _language = _visible(request, attachment_id)
    except AttachmentRefused as exc:
        return refusal(exc)
    return HttpResponseRedirect(links.signed_url(attachment.pk, links.FILE))


@require_safe
def serve(request: HttpRequest, attachment_id, variant: str):
    """The file behind a signed link; no cookie, no token. Headers keep a browser from doing anything with it but
    show a picture or save a document."""
    expires, signature = request.GET.get("e"), request.GET.get("s")
    problem = links.check(attachment_id, variant, expires, signature)
    if problem == "expired":
        return refusal(AttachmentRefused("expired", LINK_EXPIRED))
    if problem is not None:
        return refusal(AttachmentRefused("forbidden", LINK_INVALID))
    attachment = Attachment.objects.filter(pk=attachment_id).first()
    name = attachment and (attachment.file_name if variant == links.FILE else attachment.thumb_name)
    if not name:
        raise Http404
    content_type = attachment.content_type if variant == links.FILE else attachment.thumb_type
    stored = services.storage().open(name, "rb")
    response = StreamingHttpResponse(_chunks(stored), content_type=content_type)
    response["Content-Length"] = str(stored.size)
    # A PDF is saved, never shown in our origin; a picture shows itself.
    response["Content-Disposition"] = content_disposition_header(not content_type.startswith("image/"), attachment.name)
    response["Content-Security-Policy"] = PICTURE_POLICY if content_type.startswith("image/") else DOCUMENT_POLICY
    response["X-Content-Type-Options"] = "nosniff"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = f"private, max-age={links.seconds_left(expires)}"
    return response


async def _chunks(stored):
    """The file in pieces, read off the event loop (a bucket answers over the network), then closed."""
    read = sync_to_async(stored.read, thread_sensitive=False)
    try:
        while chunk := await read(CHUNK_BYTES):
            yield chunk
    finally:
        await sync_to_async(stored.close, thread_sensitive=False)()
