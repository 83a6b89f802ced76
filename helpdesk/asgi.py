"""ASGI entry point: HTTP goes to Django, websockets to the chat consumers."""

import gc
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

# Python's cyclic garbage collector stops the event loop while it runs. With 1,000 chats open, full collections
# took 60-130 ms and were the whole tail of the delivery benchmark (docs/BENCHMARKS.md). What start-up created
# (modules, settings, URL patterns) lives as long as the process: freeze it out of every collection, and collect
# the young generation less often (each pass is still ~1 ms).
GC_THRESHOLD = (5000, 20, 100)
gc.collect()
gc.freeze()
gc.set_threshold(*GC_THRESHOLD)
