// A recovery case's page stays current: it watches the case's chat over the agent socket (docs/protocol.md,
// `watch` after the last message the page was drawn with) and, when the chat says the case moved (every move posts
// a card carrying `payload.case`), draws the page again from the server. A form the agent is filling in is never
// swept away: then the page only says the case moved on, with a button to show where it stands.
import { t as _, useLanguage } from "../js/i18n.js";
import { socketUrl } from "../js/socket.js";

const root = document.getElementById("case-live");
const caseId = Number(root.dataset.case);
const conversation = Number(root.dataset.conversation);
let afterSeq = Number(root.dataset.afterSeq) || 0;
let retryMs = 1000;
let ws = null;
let liveText = "";

function typing() {
  return [...root.querySelectorAll(".rc-move input:not([type=hidden])")].some((input) => input.value.trim());
}

async function redraw() {
  const response = await fetch(location.pathname, { credentials: "same-origin" });
  if (!response.ok || response.redirected) return;
  const fresh = new DOMParser().parseFromString(await response.text(), "text/html").getElementById("case-live");
  if (!fresh) return;
  root.replaceChildren(...fresh.childNodes); // our own server-rendered, auto-escaped page
  wire();
}

function caseMoved() {
  if (!typing()) {
    redraw();
    return;
  }
  document.getElementById("case-moved").hidden = false;
}

function onFrame(frame) {
  if (frame.type !== "message" || frame.conversation !== conversation) return;
  afterSeq = Math.max(afterSeq, frame.seq);
  if (Number(frame.payload?.case) === caseId) caseMoved();
}

function showLive(text) {
  liveText = text;
  document.getElementById("case-live-state").textContent = text;
}

function connect() {
  ws = new WebSocket(socketUrl("/ws/agent/"));
  ws.addEventListener("open", () => {
    retryMs = 1000;
    ws.send(JSON.stringify({ type: "watch", conversation, after_seq: afterSeq }));
    showLive(_("Live"));
  });
  ws.addEventListener("message", (event) => {
    try {
      onFrame(JSON.parse(event.data));
    } catch {
      /* not a frame we read */
    }
  });
  ws.addEventListener("close", () => {
    showLive(_("Reconnecting…"));
    setTimeout(connect, retryMs);
    retryMs = Math.min(retryMs * 2, 30000);
  });
}

async function copy(button) {
  const value = button.dataset.copy;
  try {
    await navigator.clipboard.writeText(value);
    button.textContent = _("Copied");
  } catch {
    const range = document.createRange();
    range.selectNodeContents(button.previousElementSibling);
    getSelection().removeAllRanges();
    getSelection().addRange(range);
    button.textContent = _("Selected: press Ctrl+C");
  }
  setTimeout(() => (button.textContent = _("Copy")), 2500);
}

function wire() {
  document.getElementById("case-live-state").textContent = liveText; // a redrawn page keeps saying it
  for (const button of root.querySelectorAll("[data-copy]")) button.addEventListener("click", () => copy(button));
  document.getElementById("case-refresh")?.addEventListener("click", redraw);
}

wire();
await useLanguage(document.documentElement.lang || "en");
connect();
setInterval(() => ws?.readyState === WebSocket.OPEN && ws.send('{"type":"ping"}'), 20000); // the heartbeat
