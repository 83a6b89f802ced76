"""One rule at the door for every HTTP request (pages, the REST API, the JSON endpoints the widget and console call).

Text that PostgreSQL cannot store (a NUL byte) or that is not Unicode at all (invalid UTF-8 in a query string or
form, a lone surrogate escape in JSON) is refused with a 400 before any view reads it, wherever it hides: the path,
the query string, a form or a JSON body. JSON nested deeper than any client of ours sends is refused the same way
(Python's parser would otherwise fail with a RecursionError deep inside a view). Views never have to think about it.

Under /api/ every error answer is JSON, whatever produced it (a URL that matches no route, a refusal here, Django's
debug pages), because the exchange's backend reads the status and `detail`, as docs/api.md says.
"""

import json
import re
from collections.abc import Callable, Iterator
from urllib.parse import unquote, unquote_to_bytes

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from helpdesk.errors import error_response, is_api

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")  # NUL, or half of a UTF-16 surrogate pair
MAX_JSON_DEPTH = 64
BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}

NUL_DETAIL = _("The request contains a NUL character or a broken character; remove it and try again.")
NOT_UTF8_DETAIL = _("The request is not valid UTF-8 text; send it as UTF-8 and try again.")
TOO_DEEP_DETAIL = _("The JSON is nested too deeply.")


class Unreadable(Exception):
    def __init__(self, detail):
        super().__init__(str(detail))
        self.detail = detail


class RefuseUnreadableInput:
    """400 for input no view could store or read (see the module docstring); placed after LocaleMiddleware so the
    answer is in the reader's language."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            check_request(request)
        except Unreadable as refused:
            return error_response(request, 400, str(refused.detail))
        return self.get_response(request)


class ApiErrorsAsJson:
    """Under /api/, an error answer that is not JSON (Django's HTML 404 for a path matching no route, its debug
    pages) becomes the API's JSON error with the same status."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code >= 400 and is_api(request) and not _is_json(response):
            return error_response(request, response.status_code)
        return response


def _is_json(response: HttpResponse) -> bool:
    return "json" in response.get("Content-Type", "")


def check_request(request: HttpRequest) -> None:
    """Raise Unreadable for a path, query string or body no view should be handed."""
    _check_text(request.path)
    _check_urlencoded(request.META.get("QUERY_STRING", ""))
    for key, values in request.GET.lists():
        _check_strings([key, *values])
    if request.method in BODY_METHODS:
        _check_body(request)


def _check_body(request: HttpRequest) -> None:
    content_type = request.content_type or ""
    if content_type == "application/json" or content_type.endswith("+json"):
        _check_json(request.body)
    elif content_type in FORM_TYPES:
        # Read the body first: request.POST then parses the kept copy and leaves it for the view (DRF reads it
        # again to answer 415 to a form sent to the JSON-only API). No page of ours takes file uploads.
        body = request.body
        if content_type == "application/x-www-form-urlencoded":
            _check_urlencoded(body)
        for key, values in request.POST.lists():
            _check_strings([key, *values])  # uploaded files are bytes: they may hold anything


def _check_text(text: str) -> None:
    if UNSTORABLE.search(text):
        raise Unreadable(NUL_DETAIL)


def _check_strings(strings) -> None:
    for text in strings:
        _check_text(text)


def _check_urlencoded(raw: str | bytes) -> None:
    """Django decodes a query string or form leniently (bad bytes become U+FFFD); refuse it instead."""
    try:
        if isinstance(raw, str):
            unquote(raw, errors="strict")  # %-escapes must spell UTF-8; other characters are already text
        else:
            unquote_to_bytes(raw).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Unreadable(NOT_UTF8_DETAIL) from exc


def _check_json(body: bytes) -> None:
    try:
        data = json.loads(body)
    except RecursionError as exc:
        raise Unreadable(TOO_DEEP_DETAIL) from exc
    except ValueError:
        return  # not JSON (or not UTF-8): the view answers its own 400 naming what it expected
    _check_strings(_json_strings(data))


def _json_strings(data) -> Iterator[str]:
    """Every key and string value, walked without recursion; too deep a document is refused."""
    stack = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise Unreadable(TOO_DEEP_DETAIL)
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            yield from value.keys()
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
