// The customer's chat, inside the widget's iframe. Everything from the server is rendered with textContent.
import { applyCardUpdate, foldAnswer, settleSteps, renderCard } from "../js/cards.js";
import { applyDirection, gettext_noop, isRtl, pickLanguage, t as _, translatePage, useLanguage } from "../js/i18n.js";
import { readMarkers } from "../js/markers.js";
import { ChatSocket, State, localStore, socketUrl } from "../js/socket.js";
import { widgetFiles } from "./files.js";

const $ = (id) => document.getElementById(id);
const root = $("widget");
const list = $("w-messages");
const pendingList = $("w-pending");
const input = $("w-input");
const stateLine = $("w-state");
const endButton = $("w-end");

// English msgids, translated when shown (the customer's language comes with the token).
const STATE_TEXT = {
  connecting: gettext_noop("Connecting…"),
  online: gettext_noop("Connected"),
  offline: gettext_noop("Offline"),
  reconnecting: gettext_noop("Reconnecting…"),
};

const parentOrigin = new URLSearchParams(location.search).get("origin") || location.origin;
const chat = {
  token: null,
  conversation: null,
  socket: null,
  open: false,
  unread: 0,
  agentRead: new Map(), // conversation -> the last seq an agent has read (numbering restarts per conversation)
  firstWelcome: true,
  baselineSeq: 0,
  tokenWaiters: [],
  ended: new Set(), // conversations we know have ended: never made current again by a late frame
  walkthroughs: new Map(), // conversation -> whether a wrong-network walkthrough runs in it (payload.walkthrough_open)
  starting: false, // the wrong-network chip was pressed and the walkthrough is on its way
  waiting: null, // the last `waiting` frame of the current chat, while it waits for an agent
};



// --- the parent page: token in, a few notices out --------------------------------------------------

function toParent(message) {
  if (window.parent !== window) window.parent.postMessage(message, parentOrigin);
}

function askForToken() {
  return new Promise((resolve) => {
    chat.tokenWaiters.push(resolve);
    toParent({ type: "helpdesk:need-token" });
  });
}

window.addEventListener("message", (event) => {
  if (event.origin !== parentOrigin || event.source !== window.parent) return;
  const data = event.data || {};
  if (data.type === "helpdesk:token" && typeof data.token === "string") {
    chat.token = data.token;
    for (const resolve of chat.tokenWaiters.splice(0)) resolve(data.token);
  } else if (data.type === "helpdesk:token-unavailable") {
    setTimeout(() => toParent({ type: "helpdesk:need-token" }), 10000);
  } else if (data.type === "helpdesk:visibility") {
    chat.open = Boolean(data.open);
    if (chat.open) {
      markRead();
      input.focus();
    }
  }
});

// The token's claims, read for the outbox key and the language only: the server checks the signature.
function tokenClaims(token) {
  try {
    const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const bytes = Uint8Array.from(atob(part), (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes)) || {};
  } catch {
    return {};
  }
}

function tokenSubject(token) {
  const sub = tokenClaims(token).sub;
  return sub === undefined || sub === null ? "anonymous" : String(sub);
}

// --- rendering ---------------------------------------------------------------------------------------

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function clock(iso) {
  const date = iso ? new Date(iso) : new Date();
  return date.toLocaleTimeString(document.documentElement.lang || [], { hour: "2-digit", minute: "2-digit" });
}

function scrollDown() {
  const box = $("w-scroll");
  box.scrollTop = box.scrollHeight;
}

function bubble(role, body, createdAt) {
  const li = el("li", `msg msg-${role}`);
  const text = el("div", "msg-body", body);
  text.dir = "auto"; // each message in its own direction: a TXID inside an Arabic chat reads left to right
  li.appendChild(text);
  const meta = el("span", "msg-meta");
  meta.appendChild(el("time", null, clock(createdAt)));
  meta.appendChild(el("span", "msg-status"));
  li.appendChild(meta);
  return li;
}

// Returns false when the message needs no bubble of its own (an answer shown on the card it answers).
function renderMessage(frame) {
  $("w-empty").hidden = true;
  if (frame.kind === "card" && foldAnswer(list, frame.payload)) {
    scrollDown();
    return false;
  }
  const last = list.lastElementChild;
  if (last && last.dataset.conversation && last.dataset.conversation !== String(frame.conversation)) {
    list.appendChild(el("li", "msg-divider", _("New chat")));
  }
  const role = frame.author?.role || "system";
  const li = frame.kind === "card" ? cardBubble(frame) : bubble(role, readMarkers(frame), frame.created_at);
  li.dataset.seq = frame.seq;
  li.dataset.conversation = frame.conversation;
  if (role === "agent" && frame.author?.name) li.prepend(el("span", "msg-author", frame.author.name));
  files.decorate(li, frame);
  list.appendChild(li);
  if (frame.payload) settleSteps(list, li.querySelector(".card-message"), frame.payload);
  if (frame.client_msg_id) pendingList.querySelector(`[data-client-id="${CSS.escape(frame.client_msg_id)}"]`)?.remove();
  updateSeen();
  scrollDown();
  return true;
}

function cardBubble(frame) {
  const li = bubble("card", "", frame.created_at);
  li.querySelector(".msg-body").remove();
  const payload = frame.payload && typeof frame.payload === "object" ? frame.payload : { blocks: [{ text: frame.body }] };
  const card = renderCard(payload, { viewer: "customer", answered: () => false, post: postAnswer, get: getWithToken });
  li.prepend(card);
  return li;
}

function postAnswer(url, body) {
  return fetch(new URL(url, location.origin), {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${chat.token}` },
    body: JSON.stringify(body),
  });
}

function getWithToken(url) {
  return fetch(new URL(url, location.origin), { headers: { Authorization: `Bearer ${chat.token}` } });
}

// "I sent to the wrong network": the guided walkthrough starts in this chat (or opens one). The chip is hidden
// while a walkthrough runs in the current chat and offered again once it ended (or in a new chat).
async function startRecovery(button) {
  chat.starting = true;
  showQuick();
  try {
    const response = await postAnswer("/recovery/walkthrough/start/", {});
    if (!response.ok) throw new Error(String(response.status));
    const started = await response.json();
    if (started.step !== "done") chat.walkthroughs.set(started.conversation, true);
  } catch {
    notice(_("We could not start that just now. Please try again, or write to us."));
  } finally {
    chat.starting = false;
    showQuick();
  }
}

function showQuick() {
  const running = Boolean(chat.conversation) && chat.walkthroughs.get(chat.conversation) === true;
  $("w-quick").hidden = chat.starting || running;
}

function renderPending(item) {
  const li = bubble("customer", item.frame.body, item.created_at);
  li.classList.add("msg-pending");
  li.dataset.clientId = item.frame.client_msg_id;
  li.querySelector(".msg-status").textContent = _("Waiting to send");
  li.querySelector(".msg-status").title = _("Not sent yet: it will go as soon as you're connected");
  files.note(li, item.frame);
  pendingList.appendChild(li);
  $("w-empty").hidden = true;
  scrollDown();
}

function updateSeen() {
  for (const node of list.querySelectorAll(".msg-seen")) {
    node.classList.remove("msg-seen");
    node.querySelector(".msg-status").textContent = "";
  }
  const mine = [...list.querySelectorAll(`.msg-customer[data-conversation="${chat.conversation}"]`)];
  const readTo = chat.agentRead.get(chat.conversation) || 0;
  const seen = mine.filter((li) => Number(li.dataset.seq) <= readTo).pop();
  if (seen) {
    seen.classList.add("msg-seen");
    seen.querySelector(".msg-status").textContent = _("Seen");
  }
}

// The customer's place in line and the agents online (the `waiting` frame): someone knows they are here, and
// they may leave: the chat waits for them and nothing closes it. Null hides it (an agent accepted, or it ended).
function showWaiting(frame) {
  chat.waiting = frame || null;
  $("w-waiting").hidden = !frame;
  if (!frame) return;
  const number = (n) => new Intl.NumberFormat(document.documentElement.lang || undefined).format(n);
  $("w-waiting-place").textContent =
    frame.position <= 1
      ? _("You're next in line.")
      : _("You are number {position} in line.", { position: number(frame.position) });
  $("w-waiting-agents").textContent =
    frame.agents_online > 0
      ? _("Agents online now: {count}", { count: number(frame.agents_online) })
      : _("No agent is online right now. The first to arrive will answer you.");
  $("w-waiting-leave").textContent = _(
    "You can leave this page: your chat waits for you and nothing closes it. Come back any time to read the answer.",
  );
  scrollDown();
}

function notice(text) {
  const box = $("w-notice");
  box.textContent = text;
  box.hidden = !text;
  clearTimeout(notice.timer);
  if (text) notice.timer = setTimeout(() => (box.hidden = true), 8000);
}

const BANNER_TEXT = {
  offline: gettext_noop("You're offline. What you write is kept here and sent when you're back."),
  reconnecting: gettext_noop("Trying to reconnect. What you write is kept and will be sent."),
};

function showState(state) {
  $("w-banner").textContent = BANNER_TEXT[state] ? _(BANNER_TEXT[state]) : "";
  $("w-banner").hidden = !BANNER_TEXT[state];
  stateLine.dataset.state = state;
  stateLine.textContent = STATE_TEXT[state] ? _(STATE_TEXT[state]) : state;
  root.dataset.connection = state;
}

// The customer's language (from the exchange's token): translate the page and set its direction. Direction follows
// the locale even when no catalogue is available, so right-to-left text never reads backwards.
// Without a locale in the token: the browser's language (the server rendered this frame in it), then English.
// Direction is set before the words download, so the layout does not flip after they arrive.
const pageLanguage = document.documentElement.lang;

async function speak(locale) {
  const tag = String(locale || "").toLowerCase().replace(/_/g, "-");
  const lang = pickLanguage(tag, pageLanguage, navigator.languages);
  applyDirection(isRtl(tag) ? tag : lang); // a right-to-left locale we have no words for still reads right to left
  if ((await useLanguage(lang)) !== lang) return; // the words did not download: keep what the server rendered
  translatePage(document);
  if (chat.socket) showState(chat.socket.state);
  showWaiting(chat.waiting); // its words, in the language that just arrived
}

// The words of this page's data-i18n attributes, marked so that makemessages -d djangojs keeps them.
const PAGE_WORDS = [
  gettext_noop("Support"),
  gettext_noop("End chat"),
  gettext_noop("Close the chat window"),
  gettext_noop("Ask us anything. A person from our support team will answer here."),
  gettext_noop("Messages"),
  gettext_noop("Not sent yet"),
  gettext_noop("Support is typing…"),
  gettext_noop("I sent crypto to the wrong network"),
  gettext_noop("Your message"),
  gettext_noop("Write a message…"),
  gettext_noop("Send"),
  gettext_noop("Attach a file"),
  gettext_noop("Files to send"),
];

function setConversation(id) {
  if (id && chat.ended.has(id)) id = null;
  if (id !== chat.conversation) resetEndButton();
  if (chat.waiting && chat.waiting.conversation !== id) showWaiting(null);
  if (id) input.placeholder = _("Write a message…");
  chat.conversation = id;
  endButton.hidden = !id;
  if (id) chat.socket.track(id);
  showQuick();
}

// --- frames ------------------------------------------------------------------------------------------

const handlers = {
  welcome(frame) {
    if (frame.customer?.locale) speak(frame.customer.locale);
    const previous = chat.conversation;
    setConversation(frame.conversation);
    if (chat.firstWelcome) chat.baselineSeq = frame.last_seq || 0;
    chat.firstWelcome = false;
    if (frame.conversation && previous && previous !== frame.conversation) {
      // hello's after_seq was in another conversation's numbering: read this one from its start.
      chat.socket.raw({ type: "resume", conversation: frame.conversation, after_seq: chat.socket.lastSeq(frame.conversation) });
    }
    chat.socket.markReady();
    files.online();
  },
  message(frame) {
    if (frame.payload?.type === "ended") chat.ended.add(frame.conversation);
    if (typeof frame.payload?.walkthrough_open === "boolean") {
      chat.walkthroughs.set(frame.conversation, frame.payload.walkthrough_open);
    }
    if (!chat.conversation) setConversation(frame.conversation);
    const shown = renderMessage(frame);
    showQuick();
    if (frame.payload?.type === "ended" && frame.conversation === chat.conversation) setConversation(null);
    if (frame.author?.role !== "customer") {
      $("w-typing").hidden = true;
      const fresh = shown && !chat.open && frame.seq > chat.baselineSeq; // an answer shown on its card is not news
      if (fresh && frame.conversation === chat.conversation) {
        chat.unread += 1;
        toParent({ type: "helpdesk:unread", count: chat.unread });
      }
      markRead();
    }
  },
  conversation(frame) {
    if (frame.status === "ended") {
      chat.ended.add(frame.conversation);
      if (frame.conversation === chat.conversation) setConversation(null);
      input.placeholder = _("Write to start a new chat…");
    } else if (frame.status !== "ended") {
      setConversation(frame.conversation);
    }
    // Accepted (or ended): someone is here, the line is behind them.
    if (frame.status !== "waiting" && chat.waiting?.conversation === frame.conversation) showWaiting(null);
  },
  waiting(frame) {
    if (chat.ended.has(frame.conversation)) return;
    if (chat.conversation && frame.conversation !== chat.conversation) return;
    showWaiting(frame);
  },
  typing(frame) {
    const box = $("w-typing");
    box.hidden = !frame.active;
    clearTimeout(handlers.typingTimer);
    if (frame.active) handlers.typingTimer = setTimeout(() => (box.hidden = true), 8000);
  },
  read(frame) {
    if (frame.side !== "agent") return;
    chat.agentRead.set(frame.conversation, Math.max(chat.agentRead.get(frame.conversation) || 0, frame.seq));
    updateSeen();
  },
  card_update(frame) {
    applyCardUpdate(list, frame);
  },
  resumed() {},
  error(frame) {
    if (frame.code === "unauthorized") return; // a fresh token is on its way
    notice(frame.detail || _("Something went wrong. Please try again."));
  },
};

function markRead() {
  if (!chat.open || document.visibilityState !== "visible" || !chat.conversation) return;
  const last = chat.socket.lastSeq(chat.conversation);
  if (last > (chat.readSent || 0)) {
    if (chat.socket.sendNow({ type: "read", conversation: chat.conversation, seq: last })) chat.readSent = last;
  }
  chat.unread = 0;
  toParent({ type: "helpdesk:unread", count: 0 });
}

// --- composer ----------------------------------------------------------------------------------------

// Attachments (./files.js): the tray, pending messages with files, the files of messages.
const files = widgetFiles({
  root,
  input,
  pendingList,
  bubble,
  notice,
  scrollDown,
  token: () => chat.token,
  renewToken: async () => ((chat.token = null), await askForToken()),
});

function send() {
  const body = input.value.trim();
  if (files.chosen()) {
    files.send(body); // with files: uploaded first, then sent (they wait in the outbox while offline)
    input.value = "";
    typing(false);
    return;
  }
  if (!body) return;
  const item = chat.socket.send({ body, kind: "text" }); // customers may omit the conversation
  renderPending(item);
  input.value = "";
  typing(false);
}

function typing(active) {
  if (!chat.conversation) return;
  const now = Date.now();
  if (active && chat.typingSentAt && now - chat.typingSentAt < 3000) return;
  chat.typingSentAt = active ? now : 0;
  chat.socket.sendNow({ type: "typing", conversation: chat.conversation, active });
}

$("w-composer").addEventListener("submit", (event) => {
  event.preventDefault();
  send();
});
input.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    send();
  }
});
input.addEventListener("input", () => {
  typing(true);
  clearTimeout(chat.idleTimer);
  chat.idleTimer = setTimeout(() => typing(false), 4000);
});
$("w-close").addEventListener("click", () => toParent({ type: "helpdesk:close" }));
$("w-recovery").addEventListener("click", (event) => startRecovery(event.currentTarget));
endButton.addEventListener("click", () => {
  if (!endButton.classList.contains("confirm")) {
    endButton.classList.add("confirm");
    endButton.textContent = _("Yes, end the chat");
    endButton.timer = setTimeout(resetEndButton, 5000);
    return;
  }
  if (!chat.socket.sendNow({ type: "end", conversation: chat.conversation })) {
    notice(_("You're offline. Try again once you're connected."));
  }
});
document.addEventListener("visibilitychange", markRead);
// Escape closes the window from anywhere inside it; the page gives the focus back to its launcher.
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && !event.isComposing) toParent({ type: "helpdesk:close" });
});

function resetEndButton() {
  clearTimeout(endButton.timer);
  endButton.classList.remove("confirm");
  endButton.textContent = _("End chat");
}

// --- start -------------------------------------------------------------------------------------------

async function start() {
  const token = chat.token || (await askForToken());
  speak(tokenClaims(token).locale); // not awaited: the socket opens while the words download
  chat.socket = new ChatSocket({
    url: socketUrl(root.dataset.socket),
    store: localStore(`helpdesk.widget.outbox.${tokenSubject(token)}`),
    resumeOnReady: false, // hello carries after_seq
    onOpen(socket) {
      const after = chat.conversation ? socket.lastSeq(chat.conversation) : 0;
      socket.raw({ type: "hello", token: chat.token, after_seq: after });
    },
    onFrame(frame) {
      handlers[frame.type]?.(frame);
    },
    onState: showState,
    onAck(item, frame) {
      if (!chat.conversation) setConversation(frame.conversation);
      const li = pendingList.querySelector(`[data-client-id="${CSS.escape(frame.client_msg_id)}"]`);
      if (li) {
        li.classList.remove("msg-pending");
        li.querySelector(".msg-status").textContent = _("Sent");
      }
      // The message frame normally follows at once; if its nudge was lost, read it from the database.
      setTimeout(() => {
        if (chat.socket.lastSeq(frame.conversation) < frame.seq) {
          chat.socket.sendNow({ type: "resume", conversation: frame.conversation, after_seq: chat.socket.lastSeq(frame.conversation) });
        }
      }, 2000);
    },
    onFailed(item, frame) {
      const li = pendingList.querySelector(`[data-client-id="${CSS.escape(item.frame.client_msg_id)}"]`);
      if (li) {
        li.classList.add("msg-failed");
        li.querySelector(".msg-status").textContent = _("Not sent: {reason}", { reason: frame.detail });
      }
    },
    onUnauthorized: async () => {
      chat.token = null;
      await askForToken();
    },
  });
  for (const item of chat.socket.pending()) renderPending(item);
  files.start(chat.socket, `widget.${tokenSubject(token)}`);
  chat.socket.start();
}

start();
