"""A socket that hears nothing for a while must stay open.

channels_redis waits for a socket's next message with BZPOPMIN and a 5 s block; redis-py 8 gives every read a
5 s socket timeout by default, so an idle socket's read timed out, the consumer crashed and the socket closed.
helpdesk/settings.py gives the channel layer a socket timeout longer than the block."""

import json
import time

import pytest
from channels_redis.core import RedisChannelLayer
from django.conf import settings

from tests.chat.helpers import widget_token
from tests.conftest import require


def test_the_channel_layer_read_timeout_outlasts_its_blocking_pop():
    require("redis")
    host = settings.CHANNEL_LAYERS["default"]["CONFIG"]["hosts"][0]
    assert isinstance(host, dict), "hosts carry the socket timeout"
    assert host["socket_timeout"] > RedisChannelLayer.brpop_timeout + 5


@pytest.mark.django_db(transaction=True)
def test_an_idle_widget_socket_survives_twelve_quiet_seconds(asgi_server):
    require("redis", "postgres")
    from websockets.sync.client import connect

    with connect(asgi_server.replace("http", "ws") + "/ws/widget/") as ws:
        ws.send(json.dumps({"type": "hello", "token": widget_token(sub="idle-1")}))
        assert json.loads(ws.recv(timeout=10))["type"] == "welcome"
        time.sleep(12)
        ws.send(json.dumps({"type": "ping"}))
        assert json.loads(ws.recv(timeout=10)) == {"type": "pong"}
