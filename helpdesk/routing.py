"""Websocket routes. The agent socket authenticates by session cookie and checks Origin;
the widget socket uses no cookies (it authenticates with the exchange's signed token in its first frame)."""

from channels.routing import URLRouter

from chat.routing import websocket_urlpatterns

websocket_application = URLRouter(websocket_urlpatterns)
