"""helpdesk/channel_layer.py subclasses channels_redis's pub/sub layer and leans on names it does not promise to
keep. channels-redis is pinned exactly in pyproject.toml; an upgrade that renames or reshapes any of these fails
here, naming what moved, before a server quietly stops delivering."""

import inspect
from importlib.metadata import version

from channels_redis import pubsub

from helpdesk import channel_layer


def _parameters(function) -> list[str]:
    return list(inspect.signature(function).parameters)


def test_the_installed_channels_redis_is_the_one_the_layer_was_written_against():
    assert version("channels-redis") == "4.3.0", "re-read helpdesk/channel_layer.py against the new release"


def test_the_shard_internals_the_batching_shard_uses_are_there():
    shard = pubsub.RedisSingleShardConnection
    assert _parameters(shard.__init__) == ["self", "host", "channel_layer"]
    assert _parameters(shard._receive_message) == ["self", "message"]
    assert _parameters(shard._ensure_redis) == ["self"]
    for name in ("publish", "subscribe", "flush"):
        assert inspect.iscoroutinefunction(getattr(shard, name)), name
    # publish() is replaced by batches sent on the shard's own connection, which the base class keeps here.
    assert "self._redis" in inspect.getsource(shard._ensure_redis)
    # The receiver hands every message to _receive_message, which the subclass overrides to skip its own echoes.
    assert "self._receive_message(" in inspect.getsource(shard._do_receiving)


def test_the_loop_layer_internals_the_batching_layer_uses_are_there():
    layer = pubsub.RedisPubSubLoopLayer
    assert "channel_layer" in _parameters(layer.__init__)
    assert _parameters(layer._subscribe_to_channel) == ["self", "channel"]
    assert _parameters(layer._get_shard) == ["self", "channel_or_group_name"]
    assert _parameters(layer._get_group_channel_name) == ["self", "group"]
    init = inspect.getsource(layer.__init__)
    for attribute in ("self._shards", "self.channels", "self.groups"):
        assert attribute in init, attribute
    # receive() awaits .get() on what _subscribe_to_channel stored: the slim Inbox must stand in for asyncio.Queue.
    assert "await q.get()" in inspect.getsource(layer.receive)


def test_the_per_loop_proxy_internals_are_there():
    proxy = pubsub.RedisPubSubChannelLayer
    init = inspect.getsource(proxy.__init__)
    for attribute in ("self._args", "self._kwargs", "self._layers"):
        assert attribute in init, attribute
    assert _parameters(pubsub._wrap_close) == ["proxy", "loop"]
    assert issubclass(channel_layer.RedisPubSubChannelLayer, proxy)
