"""ASGI entry point: HTTP goes to Django, websockets to the chat consumers."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter  # noqa: E402
from django.conf import settings  # noqa: E402

from helpdesk.proxy import TrustedProxyHeaders  # noqa: E402
from helpdesk.routing import websocket_application  # noqa: E402

application = TrustedProxyHeaders(
    ProtocolTypeRouter({"http": django_asgi_app, "websocket": websocket_application}), settings.TRUSTED_PROXIES
)

from helpdesk.gc_tuning import tune_for_server  # noqa: E402

tune_for_server()
