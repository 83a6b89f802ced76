// Live monitoring for supervisors: the list of ongoing chats (re-read when the agent socket says something
// changed), clocks that count up, and one chat watched read-only and live over /ws/agent/ (`watch` replays the
// history, then `message` frames arrive). A supervisor writes only private notes here (kind "note": the server
// never sends notes to a customer socket). The server is the truth: after a reconnect we watch again from the
// last staff seq we showed, so nothing is shown twice or missed.
import { refreshWithSession, renderAttachments } from "./attachments.js";
import { duration, t as _, useLanguage } from "./i18n.js";

const PAGE_LANGUAGE = document.documentElement.lang || "en"; // the page is rendered in the reader's language
const root = document.getElementById("monitor");
const rows = document.getElementById("monitor-rows");
const pane = document.getElementById("watch-pane");
const list = document.getElementById("watch-messages");
const stateLabel = document.getElementById("socket-state");
const noteForm = document.getElementById("note-form");
const noteBody = document.getElementById("note-body");
const noteError = document.getElementById("note-error");
const reassignForm = document.getElementById("reassign-form");

let socket = null;
let retryMs = 500;
let watching = null; // conversation id
let lastSeq = 0; // last staff seq shown for the watched conversation
const pendingNotes = new Map(); // client_msg_id -> body, until acknowledged

function newClientId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function send(frame) {
  if (socket && socket.readyState === WebSocket.OPEN) {
    socket.send(JSON.stringify(frame));
    return true;
  }
  return false;
}

function setState(text) {
  stateLabel.textContent = text;
}

// --- clocks: how long, counting up -----------------------------------------------------------------

function tick() {
  const now = Date.now();
  for (const clock of document.querySelectorAll("[data-since]")) {
    clock.textContent = duration((now - Date.parse(clock.dataset.since)) / 1000, { lang: PAGE_LANGUAGE });
  }
}

// --- the list ------------------------------------------------------------------------------------

let refreshTimer = null;
function refreshRows() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(async () => {
    const response = await fetch(root.dataset.rowsUrl, { credentials: "same-origin" });
    if (!response.ok || response.redirected) return; // signed out: keep what is shown rather than a login page
    rows.innerHTML = await response.text(); // our own server-rendered, auto-escaped fragment
    markWatchedRow();
    tick();
  }, 250);
}

function markWatchedRow() {
  for (const row of rows.querySelectorAll("tr[data-conversation]")) {
    row.classList.toggle("watching", Number(row.dataset.conversation) === watching);
  }
}

rows.addEventListener("click", (event) => {
  const button = event.target.closest("[data-watch]");
  if (button) watch(Number(button.dataset.watch));
});

// --- the watched chat ------------------------------------------------------------------------------

function watch(conversationId) {
  if (watching && watching !== conversationId) send({ type: "unwatch", conversation: watching });
  watching = conversationId;
  lastSeq = 0;
  list.replaceChildren();
  const row = rows.querySelector(`tr[data-conversation="${conversationId}"]`);
  const customer = row ? row.dataset.customer : `#${conversationId}`;
  const agent = row?.dataset.agent;
  const title = agent ? _("{customer} — with {agent}", { customer, agent }) : customer;
  document.getElementById("watch-title").textContent = title;
  document.getElementById("watch-transcript").href = root.dataset.transcriptUrl.replace("/0/", `/${conversationId}/`);
  reassignForm.action = root.dataset.reassignUrl.replace("/0/", `/${conversationId}/`);
  pane.hidden = false;
  markWatchedRow();
  send({ type: "watch", conversation: conversationId, after_seq: 0 });
  const url = new URL(location.href);
  url.searchParams.set("watch", conversationId);
  history.replaceState(null, "", url);
}

function showMessage(frame) {
  if (frame.conversation !== watching || frame.seq <= lastSeq) return;
  lastSeq = frame.seq;
  const item = document.createElement("li");
  item.className = `msg kind-${frame.kind} role-${frame.author.role}`;
  item.dataset.seq = frame.seq;
  const meta = document.createElement("div");
  meta.className = "meta";
  const when = new Date(frame.created_at).toLocaleTimeString(PAGE_LANGUAGE, { hour: "2-digit", minute: "2-digit" });
  const label = { note: _("Internal note"), card: _("card") }[frame.kind];
  meta.textContent = [frame.author.name || frame.author.role, when, label].filter(Boolean).join(" · ");
  const body = document.createElement("div");
  body.dir = "auto";
  body.textContent = frame.body || (frame.payload && frame.payload.title) || "";
  item.append(meta, body);
  if (frame.attachments?.length) item.append(renderAttachments(frame.attachments, { refresh: refreshWithSession }));
  list.append(item);
  list.scrollTop = list.scrollHeight;
}

noteForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const body = noteBody.value.trim();
  if (!body || !watching) return;
  const clientMsgId = newClientId();
  pendingNotes.set(clientMsgId, body);
  noteError.hidden = true;
  if (!send({ type: "send", conversation: watching, kind: "note", body, client_msg_id: clientMsgId })) {
    noteError.textContent = _("Not connected; your note is kept here. Try again in a moment.");
    noteError.hidden = false;
    pendingNotes.delete(clientMsgId);
    return;
  }
  noteBody.value = "";
});

// --- the socket ------------------------------------------------------------------------------------

function onFrame(frame) {
  switch (frame.type) {
    case "message":
      showMessage(frame);
      break;
    case "resumed":
      if (frame.conversation === watching) lastSeq = Math.max(lastSeq, frame.last_seq);
      break;
    case "ack":
      pendingNotes.delete(frame.client_msg_id);
      break;
    case "queue":
    case "conversation":
    case "welcome":
      refreshRows();
      break;
    case "error":
      if (!frame.client_msg_id && watching) {
        noteError.textContent = frame.detail; // e.g. the watched chat no longer exists
        noteError.hidden = false;
      }
      if (frame.client_msg_id && pendingNotes.has(frame.client_msg_id)) {
        noteBody.value = pendingNotes.get(frame.client_msg_id); // give the words back
        pendingNotes.delete(frame.client_msg_id);
        noteError.textContent = frame.detail;
        noteError.hidden = false;
      }
      break;
    default:
      break;
  }
}

function connect() {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  socket = new WebSocket(`${scheme}//${location.host}${root.dataset.socket}`);
  setState(_("connecting…"));
  socket.addEventListener("open", () => {
    retryMs = 500;
    setState(_("live"));
    if (watching) send({ type: "watch", conversation: watching, after_seq: lastSeq });
  });
  socket.addEventListener("message", (event) => onFrame(JSON.parse(event.data)));
  socket.addEventListener("close", (event) => {
    if (event.code === 4401) {
      location.reload(); // the staff session has ended: the page leads to the sign-in
      return;
    }
    setState(_("reconnecting…"));
    setTimeout(connect, retryMs + Math.random() * 300);
    retryMs = Math.min(retryMs * 2, 15000);
  });
}

await useLanguage(PAGE_LANGUAGE); // the page's words are the server's; these are the socket's states and labels
connect();
tick();
setInterval(tick, 1000);
const initial = Number(new URL(location.href).searchParams.get("watch"));
if (initial) {
  // Open the chat once the socket is up (watch() sends only when it is).
  const start = () => watch(initial);
  if (socket.readyState === WebSocket.OPEN) start();
  else socket.addEventListener("open", start, { once: true });
}
