// The shared chat socket client (widget and console). The server is the truth; this client only makes sure that
// nothing typed is lost and nothing received is shown twice:
//  - reconnects with exponential backoff and jitter, and says what it is doing (connecting/online/offline/reconnecting);
//  - an outbox: every send gets a client_msg_id and stays stored until its ack, and is resent after a reconnect
//    (the server dedupes by client_msg_id, so a retry never makes a second message);
//  - remembers the last seq seen per conversation, drops repeats, and asks `resume` after a reconnect;
//  - a ping/pong heartbeat finds links that died without a close.

const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 30000;
// Tests shorten the heartbeat (a page init script sets window.HELPDESK_HEARTBEAT_MS) to prove dead links are found.
const HEARTBEAT_MS = Number(globalThis.HELPDESK_HEARTBEAT_MS) || 20000;
const PONG_TIMEOUT_MS = Math.min(8000, HEARTBEAT_MS / 2);
const RETRYABLE = new Set(["unavailable", "rate_limited"]);

export const State = Object.freeze({
  CONNECTING: "connecting",
  ONLINE: "online",
  OFFLINE: "offline",
  RECONNECTING: "reconnecting",
});

export function socketUrl(path) {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}${path}`;
}

export function newClientId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  // randomUUID needs a secure context; plain-http demos on a LAN address still get a v4 UUID.
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// Where the outbox lives. The widget keeps it in localStorage so it survives reloads; the console in memory.
export function localStore(key) {
  return {
    load() {
      try {
        const items = JSON.parse(localStorage.getItem(key) || "[]");
        return Array.isArray(items) ? items : [];
      } catch {
        return [];
      }
    },
    save(items) {
      try {
        if (items.length) localStorage.setItem(key, JSON.stringify(items));
        else localStorage.removeItem(key);
      } catch {
        /* storage full or blocked: the outbox still lives in memory for this page */
      }
    },
  };
}

export function memoryStore() {
  let items = [];
  return { load: () => items.slice(), save: (next) => (items = next.slice()) };
}

export class ChatSocket {
  // handlers: {onOpen(socket), onFrame(frame), onState(state), onAck(item, frame), onFailed(item, frame),
  //            onUnauthorized() -> Promise (resolve when it is worth trying again)}
  constructor({ url, store = memoryStore(), resumeOnReady = true, ...handlers }) {
    this.url = url;
    this.store = store;
    this.outbox = store.load();
    this.resumeOnReady = resumeOnReady;
    this.handlers = handlers;
    this.state = null;
    this.ready = false;
    this.attempt = 0;
    this.conversations = new Map(); // id -> {last, seen:Set}
    this.ws = null;
    this.timers = {};
    this.stopped = false;
    addEventListener("offline", () => this.dropForOffline());
    addEventListener("online", () => this.reconnectNow());
  }

  start() {
    this.stopped = false;
    if (navigator.onLine === false) this.setState(State.OFFLINE);
    else this.open();
  }

  stop() {
    this.stopped = true;
    this.clearTimers();
    if (this.ws) this.ws.close(1000);
  }

  setState(state) {
    if (state === this.state) return;
    this.state = state;
    this.handlers.onState?.(state);
  }

  open() {
    this.clearTimers();
    this.ready = false;
    this.setState(this.attempt === 0 && !this.everOnline ? State.CONNECTING : State.RECONNECTING);
    const ws = new WebSocket(this.url);
    this.ws = ws;
    ws.onopen = () => {
      this.lastFrameAt = Date.now();
      this.handlers.onOpen?.(this);
      this.startHeartbeat();
    };
    ws.onmessage = (event) => this.receive(event.data);
    ws.onclose = (event) => this.closed(ws, event.code);
  }

  closed(ws, code) {
    if (ws !== this.ws) return; // an old socket we already gave up on
    this.ws = null;
    this.ready = false;
    this.clearTimers();
    if (this.stopped) return;
    if (code === 4401 && this.handlers.onUnauthorized) {
      // A fresh token, then try again; a token refused over and over backs off instead of hammering the server.
      this.setState(State.RECONNECTING);
      const wait = this.authFailures ? Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** this.authFailures) : 0;
      this.authFailures = (this.authFailures || 0) + 1;
      this.timers.reconnect = setTimeout(() => this.handlers.onUnauthorized().then(() => this.reconnectNow()), wait);
      return;
    }
    if (navigator.onLine === false) {
      this.setState(State.OFFLINE);
      return;
    }
    this.scheduleReconnect();
  }

  scheduleReconnect() {
    this.setState(State.RECONNECTING);
    const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** this.attempt);
    const delay = ceiling / 2 + Math.random() * (ceiling / 2); // jitter: no thundering herd after a restart
    this.attempt += 1;
    this.timers.reconnect = setTimeout(() => this.open(), delay);
  }

  reconnectNow() {
    if (this.stopped) return;
    this.attempt = 0;
    if (this.ws && this.ws.readyState <= WebSocket.OPEN) {
      if (this.ready) return;
      this.abandon();
    }
    this.open();
  }

  // The browser says the network is gone: stop trusting this socket now rather than at the next heartbeat.
  dropForOffline() {
    this.abandon();
    this.clearTimers();
    this.setState(State.OFFLINE);
  }

  abandon() {
    const ws = this.ws;
    this.ws = null;
    this.ready = false;
    if (ws) {
      ws.onclose = null;
      try {
        ws.close(4000);
      } catch {
        /* already closing */
      }
    }
  }

  clearTimers() {
    for (const key of Object.keys(this.timers)) {
      clearTimeout(this.timers[key]);
      clearInterval(this.timers[key]);
    }
    this.timers = {};
  }

  startHeartbeat() {
    this.timers.heartbeat = setInterval(() => {
      if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return;
      const sentAt = Date.now();
      this.raw({ type: "ping" });
      clearTimeout(this.timers.pong);
      this.timers.pong = setTimeout(() => {
        if (this.lastFrameAt < sentAt) this.deadLink();
      }, PONG_TIMEOUT_MS);
    }, HEARTBEAT_MS);
  }

  deadLink() {
    this.abandon();
    this.clearTimers();
    this.scheduleReconnect();
  }

  raw(frame) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  // Frames that only make sense now (typing, read, accept...): dropped when offline.
  sendNow(frame) {
    return this.ready && this.raw(frame);
  }

  // The handshake is done (the server said welcome): flush the outbox and catch up.
  markReady() {
    this.ready = true;
    this.everOnline = true;
    this.attempt = 0;
    this.authFailures = 0;
    this.setState(State.ONLINE);
    if (this.resumeOnReady) {
      for (const [id, conv] of this.conversations) this.raw({ type: "resume", conversation: id, after_seq: conv.last });
    }
    for (const item of this.outbox) this.raw(item.frame);
  }

  // A message to deliver exactly once. Returns the outbox item (its client_msg_id keys the pending bubble; a message
  // with files brings the id it was given when its first file was stored, static/js/file-outbox.js).
  send(frame) {
    const client_msg_id = frame.client_msg_id || newClientId();
    const item = { frame: { ...frame, type: "send", client_msg_id }, created_at: new Date().toISOString() };
    this.merge();
    this.outbox.push(item);
    this.store.save(this.outbox);
    if (this.ready) this.raw(item.frame);
    return item;
  }

  // Another tab of the same user may have added to the stored outbox: keep its items rather than overwrite them.
  merge() {
    const known = new Set(this.outbox.map((i) => i.frame.client_msg_id));
    for (const item of this.store.load()) if (!known.has(item.frame?.client_msg_id)) this.outbox.push(item);
  }

  pending(conversation) {
    return this.outbox.filter((item) => conversation === undefined || item.frame.conversation === conversation);
  }

  settle(clientMsgId) {
    this.merge();
    const item = this.outbox.find((i) => i.frame.client_msg_id === clientMsgId);
    if (!item) return null;
    this.outbox = this.outbox.filter((i) => i !== item);
    this.store.save(this.outbox);
    return item;
  }

  track(conversation) {
    if (!this.conversations.has(conversation)) {
      this.conversations.set(conversation, { last: 0, seen: new Set(), ids: new Set() });
    }
    return this.conversations.get(conversation);
  }

  untrack(conversation) {
    this.conversations.delete(conversation);
  }

  lastSeq(conversation) {
    return this.conversations.get(conversation)?.last ?? 0;
  }

  // True the first time a (conversation, seq) or a client_msg_id is seen; a repeat (replay overlap, resend echo)
  // is dropped.
  fresh(frame) {
    const conv = this.track(frame.conversation);
    if (conv.seen.has(frame.seq) || (frame.client_msg_id && conv.ids.has(frame.client_msg_id))) return false;
    conv.seen.add(frame.seq);
    if (frame.client_msg_id) conv.ids.add(frame.client_msg_id);
    conv.last = Math.max(conv.last, frame.seq);
    return true;
  }

  receive(data) {
    this.lastFrameAt = Date.now();
    let frame;
    try {
      frame = JSON.parse(data);
    } catch {
      return;
    }
    if (frame.type === "pong") return;
    if (frame.type === "ack") {
      const item = this.settle(frame.client_msg_id);
      this.handlers.onAck?.(item, frame);
      return;
    }
    if (frame.type === "error" && frame.client_msg_id) {
      this.sendFailed(frame);
      return;
    }
    if (frame.type === "message" && !this.fresh(frame)) return;
    this.handlers.onFrame?.(frame);
  }

  sendFailed(frame) {
    if (RETRYABLE.has(frame.code)) {
      // Kept in the outbox; try again after a short pause.
      clearTimeout(this.timers.retry);
      this.timers.retry = setTimeout(() => {
        if (this.ready) for (const item of this.outbox) this.raw(item.frame);
      }, 3000);
      return;
    }
    const item = this.settle(frame.client_msg_id);
    if (item) this.handlers.onFailed?.(item, frame);
    else this.handlers.onFrame?.(frame);
  }
}
