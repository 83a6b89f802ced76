"""static/js/socket.js on its own, inside a real Chromium: dedupe, backoff with jitter, the stored outbox."""

import pytest

pytestmark = pytest.mark.browser

HARNESS = """
async () => {
  const m = await import('/static/js/socket.js');
  const out = {};
  const socket = new m.ChatSocket({ url: 'ws://127.0.0.1:9/nowhere', store: m.localStore('test.outbox') });
  const seen = [];
  socket.handlers.onFrame = (f) => seen.push(f.seq);
  const msg = (seq, id) => JSON.stringify({ type: 'message', conversation: 7, seq, client_msg_id: id });
  const frames = [msg(1, 'a'), msg(2, null), msg(1, 'a'), msg(3, 'c'), msg(2, null), msg(9, 'c')];
  for (const raw of frames) socket.receive(raw);
  out.delivered = seen;
  out.last = socket.lastSeq(7);

  const delays = [];
  const realSetTimeout = window.setTimeout;
  window.setTimeout = (fn, ms) => { delays.push(ms); return 0; };
  for (let i = 0; i < 10; i++) socket.scheduleReconnect();
  window.setTimeout = realSetTimeout;
  out.delays = delays;
  out.state = socket.state;

  const item = socket.send({ body: 'kept', kind: 'text' });
  out.stored = JSON.parse(localStorage.getItem('test.outbox')).map((i) => i.frame.body);
  out.uuid = item.frame.client_msg_id;
  const again = new m.ChatSocket({ url: 'ws://127.0.0.1:9/nowhere', store: m.localStore('test.outbox') });
  out.reloaded = again.pending().map((i) => i.frame.client_msg_id);
  again.receive(JSON.stringify({ type: 'ack', conversation: 7, client_msg_id: item.frame.client_msg_id, seq: 4 }));
  out.afterAck = localStorage.getItem('test.outbox');
  return out;
}
"""


def test_socket_client_dedupes_backs_off_with_jitter_and_keeps_its_outbox(page, asgi_server):
    page.goto(f"{asgi_server}/widget/frame/?origin=https://exchange.example")
    out = page.evaluate(HARNESS)
    assert out["delivered"] == [1, 2, 3]  # repeats by seq and by client_msg_id are dropped
    assert out["last"] == 3
    assert out["state"] == "reconnecting"
    for attempt, delay in enumerate(out["delays"]):
        ceiling = min(30000, 500 * 2**attempt)
        assert ceiling / 2 <= delay <= ceiling
    assert len({round(d / min(30000, 500 * 2**i), 3) for i, d in enumerate(out["delays"])}) > 1  # jittered
    assert out["delays"][-1] <= 30000
    assert out["stored"] == ["kept"]
    assert len(out["uuid"]) == 36
    assert out["reloaded"] == [out["uuid"]]  # a new page finds what was not acknowledged
    assert out["afterAck"] is None  # acknowledged: gone from storage
