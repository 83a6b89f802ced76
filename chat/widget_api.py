"""The widget's JSON endpoints (the survey here, recovery's walkthrough) on Django REST framework.

Who calls: a customer, by the widget's bearer token (WidgetTokenAuthentication: the same checks as the socket's
hello, chat.access.verify_widget_token), or a signed-in agent of the console (StaffSessionAuthentication: the
session, and the CSRF token on every POST). JSON in, JSON out; a refusal is {"error": code, "detail": words} with its
status, the words in the reader's language (docs/protocol.md, docs/recovery.md)."""

from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext, gettext_noop
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, SessionAuthentication
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from chat import access, errors
from common.errors import Refusal
from tickets.models import Customer

CSRF_DETAIL = gettext_noop("the CSRF token is missing or wrong; reload the page")


@dataclass(frozen=True)
class WidgetCustomer:
    """request.user for a call made with the widget's token: the customer it names, and its checked claims."""

    customer: Customer
    claims: dict
    is_authenticated = True
    is_agent = False
    is_supervisor = False


class WidgetTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer <widget token>`, no cookies. A bad token is refused (401) with the reason the socket
    gives; without the header, the next authentication class is asked."""

    def authenticate(self, request):
        token = bearer_token(request)
        if token is None:
            return None
        try:
            claims = access.verify_widget_token(token)
        except access.TokenError as exc:
            raise exceptions.AuthenticationFailed(str(exc), code="unauthorized") from exc
        return WidgetCustomer(access.customer_from_claims(claims), claims), token

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="widget"'


class CsrfRefused(exceptions.PermissionDenied):
    default_code = "csrf"


class StaffSessionAuthentication(SessionAuthentication):
    """A signed-in agent (supervisors and admins too) of the console; their POSTs carry the CSRF token. Anyone else
    signed in counts as nobody here."""

    def authenticate(self, request):
        user = getattr(request._request, "user", None)
        if user is None or not user.is_authenticated or not user.is_agent:
            return None
        self.enforce_csrf(request)
        return user, None

    def enforce_csrf(self, request) -> None:
        try:
            super().enforce_csrf(request)
        except exceptions.PermissionDenied as exc:
            raise CsrfRefused(CSRF_DETAIL) from exc


class AnyBodyAsJson(JSONParser):
    """Every body is read as JSON, whatever its Content-Type (a form body is then bad JSON: 400, not 415)."""

    media_type = "*/*"


def bearer_token(request) -> str | None:
    header = request.headers.get("Authorization", "")
    return header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else None


class Refused(Refusal):
    """A refusal answered with this HTTP status (the English detail is translated when answered)."""

    def __init__(self, status: int, code: str, detail: str):
        super().__init__(code, detail)
        self.status = status


class WidgetEndpoint(APIView):
    # The widget's own endpoints, not the exchange's integration API: kept out of its OpenAPI schema.
    schema = None
    authentication_classes = [WidgetTokenAuthentication, StaffSessionAuthentication]
    permission_classes = [IsAuthenticated]
    parser_classes = [AnyBodyAsJson]
    renderer_classes = [JSONRenderer]
    # What each kind of bad call is told (each view may say it its own way).
    unauthenticated = gettext_noop("sign in, or send the widget token")
    bad_json = gettext_noop("send a JSON object")

    def dispatch(self, request, *args, **kwargs):
        with translation.override(self.reader_language(request)):
            return super().dispatch(request, *args, **kwargs)

    def initial(self, request, *args, **kwargs):
        # A method the view does not answer (HEAD and OPTIONS too) is a 405 before anything else is asked.
        if not callable(getattr(type(self), request.method.lower(), None)) or request.method == "OPTIONS":
            raise exceptions.MethodNotAllowed(request.method)
        super().initial(request, *args, **kwargs)

    def reader_language(self, request) -> str:
        """A customer reads the language of their widget token (as on the socket); an agent, the page's. An
        unreadable token: the browser's (LocaleMiddleware) is the best guess."""
        token = bearer_token(request)
        if token is not None:
            try:
                claims = access.verify_widget_token(token)
            except access.TokenError:
                claims = {}
            if language := errors.supported_language(claims.get("locale")):
                return language
        return translation.get_language() or "en"

    def json_object(self) -> dict:
        """The body, which must be a JSON object (an empty body is {})."""
        data = self.request.data
        if not isinstance(data, dict):
            raise Refused(400, "bad_request", self.bad_json)
        return data

    def refusal(self, exc: Exception) -> Refused | None:
        """A view's own exceptions as refusals (recovery's RecoveryError, chat's ChatError); None: not one."""
        return None

    def say(self, code: str, detail: str) -> str:
        return gettext(detail)

    def handle_exception(self, exc):
        if isinstance(exc, exceptions.NotAuthenticated):
            exc = Refused(401, "unauthorized", self.unauthenticated)
        elif isinstance(exc, exceptions.AuthenticationFailed):
            exc = Refused(401, "unauthorized", str(exc.detail))
        elif isinstance(exc, CsrfRefused):
            exc = Refused(403, "csrf", CSRF_DETAIL)
        elif isinstance(exc, exceptions.ParseError):
            exc = Refused(400, "bad_request", self.bad_json)
        elif (mapped := self.refusal(exc)) is not None:
            exc = mapped
        if isinstance(exc, Refused):
            response = Response({"error": exc.code, "detail": self.say(exc.code, exc.detail)}, status=exc.status)
            if exc.status == 401:
                response["WWW-Authenticate"] = WidgetTokenAuthentication().authenticate_header(self.request)
            return response
        return super().handle_exception(exc)
