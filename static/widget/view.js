// What the customer sees in the widget's iframe: the messages and cards as bubbles, the messages still waiting to
// be sent, "Seen", the place in line, the connection's state and notices, the wrong-network chip, and the page's
// language. Everything from the server is rendered with textContent. ./widget.js holds the socket, the token and
// the exchange's page, and calls these as frames arrive.
import { foldAnswer, settleSteps, renderCard } from "../js/cards.js";
import { applyDirection, gettext_noop, isRtl, pickLanguage, t as _, translatePage, useLanguage } from "../js/i18n.js";
import { readMarkers } from "../js/markers.js";

export const $ = (id) => document.getElementById(id);
export const root = $("widget");
export const list = $("w-messages");
export const pendingList = $("w-pending");
const stateLine = $("w-state");

// English msgids, translated when shown (the customer's language comes with the token).
const STATE_TEXT = {
  connecting: gettext_noop("Connecting…"),
  online: gettext_noop("Connected"),
  offline: gettext_noop("Offline"),
  reconnecting: gettext_noop("Reconnecting…"),
};

// What the widget knows of its chat: kept up to date by ./widget.js from the frames, read here to draw it.
export const chat = {
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

export function scrollDown() {
  const box = $("w-scroll");
  box.scrollTop = box.scrollHeight;
}

export function bubble(role, body, createdAt) {
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
// `files`: the widget's attachments (./files.js), which draw a message's files under its words.
export function renderMessage(frame, files) {
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
export async function startRecovery(button) {
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

export function showQuick() {
  const running = Boolean(chat.conversation) && chat.walkthroughs.get(chat.conversation) === true;
  $("w-quick").hidden = chat.starting || running;
}

export function renderPending(item, files) {
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

export function updateSeen() {
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
export function showWaiting(frame) {
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

export function notice(text) {
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

export function showState(state) {
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

export async function speak(locale) {
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
