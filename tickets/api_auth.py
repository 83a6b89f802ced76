"""API-key authentication and scope permissions for the exchange's backend, reusable by any app's API:

    from tickets.api_auth import ApiKeyAuthentication, HasScope

    class MyView(APIView):
        authentication_classes = [ApiKeyAuthentication]
        permission_classes = [HasScope]
        required_scopes = {"GET": "pnl:read"}          # per method, or
        required_scope = "pnl:read"                    # one scope for every method, or
        # permission_classes = [HasScope.of("pnl:read")]

Keys are sent as `Authorization: Bearer hdk_<prefix>_<secret>`. A missing key answers 401, a bad or revoked
one 401, a key without the scope 403. Staff sessions do not authenticate here: the API is for machines.
"""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission

from tickets import services
from tickets.models import ApiKey


class ApiClient:
    """`request.user` for a request made with an API key: authenticated, but never staff."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    is_agent = False
    is_supervisor = False
    pk = id = None

    def __init__(self, key: ApiKey):
        self.key = key

    def __str__(self) -> str:
        return f"API key {self.key.name}"


class ApiKeyAuthentication(BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("send the key as: Authorization: Bearer hdk_<prefix>_<secret>")
        key = services.api_key_verify(header[1].decode(errors="replace"))
        if key is None:
            raise exceptions.AuthenticationFailed("this API key is unknown or has been revoked")
        services.api_key_touch(key=key)
        return ApiClient(key), key

    def authenticate_header(self, request) -> str:
        # Makes DRF answer 401 (not 403) when no key is sent.
        return 'Bearer realm="api"'


class HasScope(BasePermission):
    """Allows a request whose API key holds the scope the view asks for (see the module docstring)."""

    scope: str | None = None
    message = "this API key does not have the scope this endpoint needs"

    @classmethod
    def of(cls, scope: str) -> type["HasScope"]:
        return type(f"HasScope_{scope.replace(':', '_')}", (cls,), {"scope": scope})

    def required(self, request, view) -> str | None:
        if self.scope:
            return self.scope
        by_method = getattr(view, "required_scopes", None) or {}
        if request.method in by_method:
            return by_method[request.method]
        if request.method == "HEAD" and "GET" in by_method:
            return by_method["GET"]
        return getattr(view, "required_scope", None)

    def has_permission(self, request, view) -> bool:
        key = request.auth
        if not isinstance(key, ApiKey):
            return False
        scope = self.required(request, view)
        if scope is None:
            return False  # a view that forgot to name its scope is closed, not open
        if not key.has_scope(scope):
            self.message = f"this API key does not have the scope {scope}"
            return False
        return True


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "tickets.api_auth.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "hdk_<prefix>_<secret>",
            "description": "An API key created in the admin or with `manage.py createapikey`.",
        }
