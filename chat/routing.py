from channels.auth import AuthMiddlewareStack
from django.urls import path

from chat.consumers import AgentConsumer, WidgetConsumer

websocket_urlpatterns = [
    path("ws/widget/", WidgetConsumer.as_asgi()),
    path("ws/agent/", AuthMiddlewareStack(AgentConsumer.as_asgi())),
]
