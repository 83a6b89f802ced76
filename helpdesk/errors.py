"""Error answers. Under /api/ the exchange's backend gets JSON, as the OpenAPI schema documents, never HTML; a
script (fetch, curl, the widget) gets JSON too; a browser navigating to a page gets a plain page.

The JSON shape is one for the whole site: {"error": code, "detail": words a person can read}. The REST API's own
answers (DRF) carry `detail` too, or the reasons per field for bad input (docs/api.md).
"""

from http import HTTPStatus

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import defaults

CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed"}
SERVER_ERROR = "Server error; it has been logged. Retry later."


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def wants_json(request: HttpRequest) -> bool:
    """The API, a client that sent JSON, or one that did not ask for a page (fetch and curl send */*)."""
    if is_api(request) or "json" in (request.content_type or ""):
        return True
    return "text/html" not in request.headers.get("Accept", "")


def error_response(request: HttpRequest, status: int, detail: str = "") -> HttpResponse:
    """A refusal in the shape the caller reads: JSON (see wants_json) or a plain translated page."""
    phrase = HTTPStatus(status).phrase
    detail = detail or (SERVER_ERROR if status >= 500 else f"{phrase}.")
    if wants_json(request):
        code = CODES.get(status, "server_error" if status >= 500 else phrase.lower().replace(" ", "_"))
        return JsonResponse({"error": code, "detail": detail}, status=status)
    title = _("The request could not be read") if status == 400 else phrase
    context = {"status": status, "title": title, "detail": detail}
    return render(request, "error.html", context, status=status)


def bad_request(request, exception=None):
    """Django's SuspiciousOperation/BadRequest answers (a body over the size limit, too many fields...)."""
    return error_response(request, 400, _("The request could not be read"))


def not_found(request, exception=None):
    if is_api(request):
        return error_response(request, 404, "Not found.")
    return defaults.page_not_found(request, exception)


def server_error(request):
    if is_api(request):
        return error_response(request, 500)
    return defaults.server_error(request)
