// The customer's chat, inside the widget's iframe: the exchange's page (the token in, a few notices out), the
// socket and its frames, the composer, and the start. What the customer sees is drawn by ./view.js.
import { applyCardUpdate } from "../js/cards.js";
import { t as _ } from "../js/i18n.js";
import { ChatSocket, State, localStore, socketUrl } from "../js/socket.js";
import { widgetFiles } from "./files.js";
import {
  $,
  bubble,
  chat,
  list,
  notice,
  pendingList,
  renderMessage,
  renderPending,
  root,
  scrollDown,
  showQuick,
  showState,
  showWaiting,
  speak,
  startRecovery,
  updateSeen,
} from "./view.js";

const input = $("w-input");
const endButton = $("w-end");
const parentOrigin = new URLSearchParams(location.search).get("origin") || location.origin;

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

// --- the current chat --------------------------------------------------------------------------------

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
    const shown = renderMessage(frame, files);
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
  renderPending(item, files);
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
  for (const item of chat.socket.pending()) renderPending(item, files);
  files.start(chat.socket, `widget.${tokenSubject(token)}`);
  chat.socket.start();
}

start();
