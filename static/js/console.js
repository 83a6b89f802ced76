// The agent console: live queue, several chats at once, notes, transfer with a note, end, presence.
// Everything from the server is rendered with textContent. Typed text is never lost: drafts live in
// localStorage per conversation, and sends wait in the socket's outbox until acknowledged.
import { applyCardUpdate, settleSteps, renderCard } from "./cards.js";
import { gettext_noop, language, t as _, useLanguage } from "./i18n.js";
import { ChatSocket, localStore, socketUrl } from "./socket.js";

const $ = (id) => document.getElementById(id);
const root = $("console");
const me = Number(root.dataset.me);
const agents = JSON.parse($("transfer-agents").textContent);
const panes = new Map(); // conversation id -> pane
const offers = new Set();
const accepting = new Set();
let queue = [];
let activeId = null;

const STATE_TEXT = {
  connecting: gettext_noop("Connecting…"),
  online: gettext_noop("Connected"),
  offline: gettext_noop("Offline: you are still holding your chats. Replies wait until you're back."),
  reconnecting: gettext_noop("Reconnecting… your chats stay yours."),
};

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function clock(iso) {
  return (iso ? new Date(iso) : new Date()).toLocaleTimeString(language(), { hour: "2-digit", minute: "2-digit" });
}

function waited(iso) {
  const minutes = Math.max(0, Math.floor((Date.now() - new Date(iso).getTime()) / 60000));
  if (minutes < 1) return _("just now");
  if (minutes < 60) return _("{n} min", { n: minutes });
  return _("{h} h {m} min", { h: Math.floor(minutes / 60), m: minutes % 60 });
}

// "ar" -> "Arabic" in the agent's own language: each chat shows whom the agent is writing to.
function languageName(code) {
  try {
    return new Intl.DisplayNames([language()], { type: "language" }).of(code) || code;
  } catch {
    return code;
  }
}

function toast(text) {
  const box = $("toast");
  delete box.dataset.offer;
  box.textContent = text;
  box.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => (box.hidden = true), 7000);
}

function csrfToken() {
  const match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

function postAnswer(url, body) {
  return fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
    body: JSON.stringify(body),
  });
}

// --- queue -------------------------------------------------------------------------------------------

function renderQueue() {
  const list = $("queue-list");
  list.replaceChildren(...queue.map(queueItem));
  $("queue-count").textContent = String(queue.length);
  $("queue-empty").hidden = queue.length > 0;
}

function queueItem(entry) {
  const li = el("li", "queue-item");
  li.dataset.conversation = entry.id;
  if (entry.offered_to === me || offers.has(entry.id)) {
    li.classList.add("offered");
    li.appendChild(el("span", "offer-flag", _("Offered to you")));
  }
  const who = el("div", "queue-who");
  who.appendChild(el("strong", "queue-name", entry.customer?.name || _("Customer")));
  if (entry.customer?.vip) who.appendChild(el("span", "vip-badge", "VIP"));
  if (entry.customer?.locale) {
    const locale = el("span", "locale", entry.customer.locale); // short in the queue; the name on hover
    locale.title = _("Language: {name}", { name: languageName(entry.customer.locale) });
    who.appendChild(locale);
  }
  li.appendChild(who);
  const preview = el("p", "queue-preview", entry.preview || "…");
  preview.dir = "auto"; // the customer's words in their own direction
  li.appendChild(preview);
  const foot = el("div", "queue-foot");
  const wait = el("span", "queue-wait muted", _("waiting {time}", { time: waited(entry.waiting_since) }));
  wait.dataset.since = entry.waiting_since;
  foot.appendChild(wait);
  const button = el("button", "primary accept", _("Accept"));
  button.type = "button";
  button.addEventListener("click", () => accept(entry.id, button));
  foot.appendChild(button);
  li.appendChild(foot);
  return li;
}

function accept(id, button) {
  if (!socket.sendNow({ type: "accept", conversation: id })) {
    toast(_("You're offline; accept again once reconnected."));
    return;
  }
  accepting.add(id);
  button.disabled = true;
  button.textContent = _("Accepting…");
}

setInterval(() => {
  for (const node of document.querySelectorAll(".queue-wait")) {
    node.textContent = _("waiting {time}", { time: waited(node.dataset.since) });
  }
}, 30000);

// --- panes -------------------------------------------------------------------------------------------

function draftKey(id) {
  return `helpdesk.draft.${me}.${id}`;
}

function ensurePane(frame) {
  const id = frame.conversation;
  let pane = panes.get(id);
  if (!pane) pane = createPane(frame);
  updatePane(pane, frame);
  return pane;
}

function createPane(frame) {
  const id = frame.conversation;
  const node = $("pane-template").content.firstElementChild.cloneNode(true);
  node.id = `pane-${id}`;
  node.dataset.conversation = id;
  const pane = {
    id,
    node,
    list: node.querySelector(".pane-messages"),
    pendingList: node.querySelector(".pane-pending"),
    input: node.querySelector(".composer-input"),
    unread: frame.unread || 0,
    customerRead: 0,
    customer: frame.customer || {},
    ticket: frame.ticket,
  };
  pane.tab = makeTab(pane);
  wirePane(pane);
  panes.set(id, pane);
  $("panes").appendChild(node);
  $("no-chats").hidden = true;
  fillContext(pane);
  pane.input.value = localStorage.getItem(draftKey(id)) || "";
  for (const item of socket.pending(id)) renderPending(pane, item);
  socket.track(id);
  socket.sendNow({ type: "resume", conversation: id, after_seq: socket.lastSeq(id) });
  if (activeId === null) activate(id);
  else node.hidden = true;
  document.dispatchEvent(
    new CustomEvent("helpdesk:chat-opened", {
      detail: { conversationId: id, ticketId: pane.ticket, customerId: pane.customer.id, element: pane.context },
    }),
  );
  return pane;
}

function fillContext(pane) {
  pane.context = pane.node.querySelector(".chat-context");
  pane.context.dataset.conversationId = pane.id;
  pane.context.dataset.ticketId = pane.ticket ?? "";
  pane.context.dataset.customerId = pane.customer.id ?? "";
  const customer = pane.customer;
  pane.node.querySelector(".pane-name").textContent = customer.name || _("Customer");
  pane.node.querySelector(".vip-badge").hidden = !customer.vip;
  pane.node.querySelector(".pane-locale").textContent = customer.locale
    ? _("Language: {name}", { name: languageName(customer.locale) })
    : "";
}

function makeTab(pane) {
  const tab = el("button", "chat-tab");
  tab.type = "button";
  tab.setAttribute("role", "tab");
  tab.setAttribute("aria-controls", pane.node.id);
  tab.dataset.conversation = pane.id;
  tab.appendChild(el("span", "tab-name", pane.customer.name || _("Customer")));
  if (pane.customer.vip) tab.appendChild(el("span", "vip-badge", "VIP"));
  tab.appendChild(el("span", "unread"));
  tab.addEventListener("click", () => activate(pane.id));
  $("tabs").appendChild(tab);
  return tab;
}

function updatePane(pane, frame) {
  if (frame.customer) pane.customer = frame.customer;
  if (frame.ticket !== undefined) pane.ticket = frame.ticket;
  pane.status = frame.status || pane.status;
  pane.assignee = frame.assignee === undefined ? pane.assignee : frame.assignee;
  const mine = pane.assignee?.id === me;
  const open = pane.status !== "ended";
  let status = "";
  if (!open) status = _("Ended");
  else if (!mine && pane.assignee) status = _("Now with {name}", { name: pane.assignee.name });
  else if (!pane.assignee) status = _("Waiting");
  pane.node.querySelector(".pane-status").textContent = status;
  pane.node.classList.toggle("readonly", !open || !mine);
  pane.node.querySelector(".transfer-open").hidden = !(open && mine);
  pane.node.querySelector(".recovery-start").hidden = !(open && mine);
  pane.node.querySelector(".end-chat").hidden = !(open && mine);
  pane.node.querySelector(".close-pane").hidden = open && mine;
  pane.node.querySelector(".composer-send").disabled = !open;
  pane.tab.classList.toggle("ended", !open || !mine);
}

function activate(id) {
  activeId = id;
  for (const pane of panes.values()) {
    const on = pane.id === id;
    pane.node.hidden = !on;
    pane.tab.setAttribute("aria-selected", on ? "true" : "false");
    pane.tab.classList.toggle("active", on);
  }
  const pane = panes.get(id);
  if (pane) {
    markRead(pane);
    pane.input.focus();
    scrollDown(pane);
  }
}

function closePane(pane) {
  socket.sendNow({ type: "unwatch", conversation: pane.id });
  socket.untrack(pane.id);
  pane.node.remove();
  pane.tab.remove();
  panes.delete(pane.id);
  if (activeId === pane.id) {
    activeId = null;
    const next = panes.keys().next();
    if (!next.done) activate(next.value);
  }
  $("no-chats").hidden = panes.size > 0;
}

function setUnread(pane, count) {
  pane.unread = count;
  const badge = pane.tab.querySelector(".unread");
  badge.textContent = count ? String(count) : "";
  badge.hidden = !count;
  const total = [...panes.values()].reduce((sum, p) => sum + p.unread, 0);
  document.title = `${total ? `(${total}) ` : ""}${_("Console · Helpdesk")}`;
}

function markRead(pane) {
  if (pane.id !== activeId || document.visibilityState !== "visible") return;
  const last = socket.lastSeq(pane.id);
  if (last > (pane.readSent || 0) && socket.sendNow({ type: "read", conversation: pane.id, seq: last })) {
    pane.readSent = last;
  }
  setUnread(pane, 0);
}

function scrollDown(pane) {
  const box = pane.node.querySelector(".pane-main");
  box.scrollTop = box.scrollHeight;
  pane.list.lastElementChild?.scrollIntoView({ block: "end" });
}

// --- messages ----------------------------------------------------------------------------------------

function bubble(kind, role, authorName, body, createdAt) {
  const li = el("li", `msg msg-${role} msg-kind-${kind}`);
  const head = el("div", "msg-head");
  if (kind === "note") head.appendChild(el("span", "note-flag", _("Internal note")));
  if (role !== "system") head.appendChild(el("span", "msg-author", authorName || role));
  head.appendChild(el("time", "msg-time", clock(createdAt)));
  li.appendChild(head);
  const text = el("div", "msg-body", body);
  text.dir = "auto"; // Arabic from the customer reads right to left inside the English console
  li.appendChild(text);
  li.appendChild(el("span", "msg-status"));
  return li;
}

function renderMessage(pane, frame) {
  const role = frame.author?.role || "system";
  const li = bubble(frame.kind, role, frame.author?.name, frame.kind === "card" ? "" : frame.body, frame.created_at);
  li.dataset.seq = frame.seq;
  if (frame.customer_seq) li.dataset.customerSeq = frame.customer_seq;
  if (frame.kind === "card") {
    const payload = frame.payload && typeof frame.payload === "object" ? frame.payload : { blocks: [{ text: frame.body }] };
    const card = renderCard(payload, {
      viewer: "agent",
      answered: () => false,
      post: postAnswer,
      get: (url) => fetch(url, { credentials: "same-origin" }),
    });
    li.querySelector(".msg-body").replaceChildren(card);
  }
  pane.list.appendChild(li);
  if (frame.payload) settleSteps(pane.list, li.querySelector(".card-message"), frame.payload);
  if (frame.client_msg_id) {
    pane.pendingList.querySelector(`[data-client-id="${CSS.escape(frame.client_msg_id)}"]`)?.remove();
  }
  updateSeen(pane);
  scrollDown(pane);
}

function renderPending(pane, item) {
  const li = bubble(item.frame.kind, "agent", _("You"), item.frame.body, item.created_at);
  li.classList.add("msg-pending");
  li.dataset.clientId = item.frame.client_msg_id;
  const status = li.querySelector(".msg-status");
  status.textContent = _("Waiting to send");
  pane.pendingList.appendChild(li);
  scrollDown(pane);
}

function updateSeen(pane) {
  for (const node of pane.list.querySelectorAll(".msg-seen")) {
    node.classList.remove("msg-seen");
    node.querySelector(".msg-status").textContent = "";
  }
  const replies = [...pane.list.querySelectorAll(".msg-agent.msg-kind-text")];
  const seen = replies.filter((li) => Number(li.dataset.customerSeq) <= pane.customerRead).pop();
  if (seen) {
    seen.classList.add("msg-seen");
    seen.querySelector(".msg-status").textContent = _("Seen");
  }
}

// --- composer, transfer, end -------------------------------------------------------------------------

function wirePane(pane) {
  const form = pane.node.querySelector(".composer");
  const label = form.querySelector(".composer-label");
  pane.input.id = `composer-${pane.id}`;
  label.htmlFor = pane.input.id;
  for (const radio of form.querySelectorAll("input[name=mode]")) radio.name = `mode-${pane.id}`;
  form.addEventListener("change", () => setMode(pane));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    sendFrom(pane);
  });
  pane.input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      sendFrom(pane);
    }
  });
  pane.input.addEventListener("input", () => {
    saveDraft(pane);
    typing(pane, true);
  });
  pane.node.querySelector(".end-chat").addEventListener("click", (event) => endChat(pane, event.currentTarget));
  pane.node.querySelector(".close-pane").addEventListener("click", () => closePane(pane));
  wireTransfer(pane);
}

function mode(pane) {
  return pane.node.querySelector(`input[name="mode-${pane.id}"]:checked`).value;
}

function setMode(pane) {
  const note = mode(pane) === "note";
  pane.node.querySelector(".composer").classList.toggle("note-mode", note);
  pane.input.placeholder = note
    ? _("Internal note: only staff see this. Never sent to the customer.")
    : _("Reply to the customer… (Enter sends, Shift+Enter for a new line)");
  pane.node.querySelector(".composer-send").textContent = note ? _("Add note") : _("Send");
  if (note) typing(pane, false);
}

function saveDraft(pane) {
  try {
    if (pane.input.value) localStorage.setItem(draftKey(pane.id), pane.input.value);
    else localStorage.removeItem(draftKey(pane.id));
  } catch {
    /* storage blocked: the text stays in the box */
  }
}

function sendFrom(pane) {
  const body = pane.input.value.trim();
  if (!body) return;
  const kind = mode(pane);
  const item = socket.send({ conversation: pane.id, body, kind });
  renderPending(pane, item);
  pane.input.value = "";
  saveDraft(pane);
  if (kind === "text") typing(pane, false);
}

function typing(pane, active) {
  if (mode(pane) !== "text" || pane.assignee?.id !== me) return;
  const now = Date.now();
  if (active && pane.typingSentAt && now - pane.typingSentAt < 3000) return;
  pane.typingSentAt = active ? now : 0;
  socket.sendNow({ type: "typing", conversation: pane.id, active, kind: "text" });
  clearTimeout(pane.idleTimer);
  if (active) pane.idleTimer = setTimeout(() => typing(pane, false), 4000);
}

function endChat(pane, button) {
  if (!button.classList.contains("confirm")) {
    button.classList.add("confirm");
    button.textContent = _("Yes, end it");
    setTimeout(() => {
      button.classList.remove("confirm");
      button.textContent = _("End chat");
    }, 5000);
    return;
  }
  if (!socket.sendNow({ type: "end", conversation: pane.id })) toast(_("You're offline; end the chat once reconnected."));
}

// The wrong-network walkthrough: its cards appear in the chat for both sides (recovery/walkthrough.py).
async function startRecovery(pane, button) {
  button.disabled = true;
  try {
    const response = await postAnswer("/recovery/walkthrough/start/", { conversation: pane.id });
    if (!response.ok) throw new Error(String(response.status));
  } catch {
    toast(_("The walkthrough could not start. Try again in a moment."));
  } finally {
    button.disabled = false;
  }
}

function wireTransfer(pane) {
  const recovery = pane.node.querySelector(".recovery-start");
  recovery.addEventListener("click", () => startRecovery(pane, recovery));
  const dialog = pane.node.querySelector(".transfer-dialog");
  const select = dialog.querySelector("select");
  const note = dialog.querySelector("textarea");
  const error = dialog.querySelector(".transfer-error");
  for (const agent of agents) {
    const option = el("option", null, agent.name); // presence here would be stale: it is from page load
    option.value = agent.id;
    select.appendChild(option);
  }
  pane.node.querySelector(".transfer-open").addEventListener("click", () => {
    error.hidden = true;
    dialog.showModal();
  });
  dialog.querySelector(".transfer-cancel").addEventListener("click", () => dialog.close());
  dialog.querySelector("form").addEventListener("submit", (event) => {
    event.preventDefault();
    const text = note.value.trim();
    const problem = !select.value
      ? _("Choose an agent.")
      : !text
        ? _("Write a note: where things stand and what is next.")
        : "";
    if (problem || !socket.sendNow({ type: "transfer", conversation: pane.id, to_agent: Number(select.value), note: text })) {
      error.textContent = problem || _("You're offline; try again once reconnected.");
      error.hidden = false;
      return;
    }
    note.value = "";
    dialog.close();
  });
}

// --- frames ------------------------------------------------------------------------------------------

const handlers = {
  welcome(frame) {
    $("presence").value = frame.agent?.presence === "away" ? "away" : "online";
    const held = new Set((frame.conversations || []).map((c) => c.conversation));
    for (const pane of panes.values()) {
      // Handed on or reassigned while this socket was away: the replay shows the history, not the new holder.
      if (!held.has(pane.id) && pane.assignee?.id === me && pane.status !== "ended") {
        updatePane(pane, { assignee: { id: null, name: _("another agent") } });
      }
    }
    for (const conversation of frame.conversations || []) {
      const pane = ensurePane(conversation);
      if (pane.id !== activeId) setUnread(pane, conversation.unread || 0);
    }
    socket.markReady();
  },
  queue(frame) {
    queue = frame.conversations || [];
    renderQueue();
  },
  offer(frame) {
    offers.add(frame.conversation);
    renderQueue();
    toast(_("A waiting chat was offered to you."));
    $("toast").dataset.offer = frame.conversation;
  },
  conversation(frame) {
    if (frame.status !== "waiting" && offers.delete(frame.conversation) && $("toast").dataset.offer) {
      $("toast").hidden = true; // the offer is settled: stop announcing it
    }
    const mine = frame.assignee?.id === me;
    if (!panes.has(frame.conversation) && !(mine && frame.status === "active")) return;
    const pane = ensurePane(frame);
    if (accepting.delete(frame.conversation) || (mine && !activeId)) activate(pane.id);
  },
  message(frame) {
    const pane = panes.get(frame.conversation);
    if (!pane) return;
    renderMessage(pane, frame);
    if (frame.payload?.type === "ended") updatePane(pane, { status: "ended" });
    if (frame.author?.role !== "customer") return;
    pane.node.querySelector(".pane-typing").hidden = true;
    if (pane.id === activeId && document.visibilityState === "visible") markRead(pane);
    else setUnread(pane, pane.unread + 1);
  },
  typing(frame) {
    const pane = panes.get(frame.conversation);
    if (!pane) return;
    const line = pane.node.querySelector(".pane-typing");
    line.hidden = !frame.active;
    clearTimeout(pane.typingTimer);
    if (frame.active) pane.typingTimer = setTimeout(() => (line.hidden = true), 8000);
  },
  read(frame) {
    const pane = panes.get(frame.conversation);
    if (!pane || frame.side !== "customer") return;
    pane.customerRead = Math.max(pane.customerRead, frame.seq);
    updateSeen(pane);
  },
  card_update(frame) {
    const pane = panes.get(frame.conversation);
    if (pane) applyCardUpdate(pane.list, frame);
  },
  presence(frame) {
    $("presence").value = frame.status;
  },
  resumed() {},
  error(frame) {
    for (const id of accepting) {
      const button = document.querySelector(`.queue-item[data-conversation="${id}"] .accept`);
      if (button) {
        button.disabled = false;
        button.textContent = _("Accept");
      }
    }
    if (frame.code === "already_taken") accepting.clear();
    toast(frame.detail || _("That did not work."));
  },
};

function showState(state) {
  const line = $("connection");
  line.dataset.state = state;
  line.textContent = STATE_TEXT[state] ? _(STATE_TEXT[state]) : state;
}

const socket = new ChatSocket({
  url: socketUrl(root.dataset.socket),
  store: localStore(`helpdesk.console.outbox.${me}`),
  onFrame(frame) {
    handlers[frame.type]?.(frame);
  },
  onState: showState,
  onAck(item, frame) {
    const pane = panes.get(frame.conversation);
    const li = pane?.pendingList.querySelector(`[data-client-id="${CSS.escape(frame.client_msg_id)}"]`);
    if (li) {
      li.classList.remove("msg-pending");
      li.querySelector(".msg-status").textContent = _("Sent");
    }
  },
  onFailed(item, frame) {
    const pane = panes.get(item.frame.conversation);
    const li = pane?.pendingList.querySelector(`[data-client-id="${CSS.escape(item.frame.client_msg_id)}"]`);
    if (li) {
      li.classList.add("msg-failed");
      li.querySelector(".msg-status").textContent = _("Not sent: {reason}", { reason: frame.detail });
    }
    if (pane && !pane.input.value) {
      pane.input.value = item.frame.body; // give the words back rather than lose them
      saveDraft(pane);
    }
  },
});

$("presence").addEventListener("change", (event) => {
  if (!socket.sendNow({ type: "presence", status: event.target.value })) toast(_("You're offline; try again soon."));
});

document.addEventListener("helpdesk:insert-text", (event) => {
  const { conversationId, text } = event.detail || {};
  const pane = panes.get(Number(conversationId));
  if (!pane || typeof text !== "string") return;
  const { selectionStart: start, selectionEnd: end, value } = pane.input;
  pane.input.value = value.slice(0, start) + text + value.slice(end);
  pane.input.selectionStart = pane.input.selectionEnd = start + text.length;
  saveDraft(pane);
  activate(pane.id);
});

document.addEventListener("visibilitychange", () => {
  const pane = panes.get(activeId);
  if (pane) markRead(pane);
});

// The agent's own language (the page's), then connect; without a catalogue the English text stays.
await useLanguage(document.documentElement.lang || "en");
socket.start();
