// The waiting queue: who waits and for how long, offers from auto-offer, paging, and accepting a chat.
// The server sends one page of the queue and its counts (docs/protocol.md, `queue`). The list is updated in place,
// keyed by conversation: an entry that stays keeps its node and its Accept button, so a click is never lost to a
// re-render while other customers arrive.
import { duration, language, t as _ } from "../i18n.js";
import { $, el, languageName, me, shared, toast } from "./kit.js";

const offers = new Set();
const accepting = new Set();
const items = new Map(); // conversation id -> its <li>, for as long as it is on the page shown
// The page shown, the counts of the whole queue, and whether that page must be asked for again.
const view = { offset: 0, limit: 40, total: 0, shown: 0, asked: 0, timer: null };
// A later page is a snapshot: asked again when the queue changes, at most this often (the socket's frame budget
// is shared with the agent's replies).
const PAGE_REFRESH_MS = 2000;

function waited(iso) {
  const seconds = Math.max(0, (Date.now() - new Date(iso).getTime()) / 1000);
  return seconds < 60 ? _("just now") : duration(seconds, { smallest: "minute" });
}

// Put the page's entries in order, reusing each entry's node; only nodes that change place are moved.
function renderPage(entries) {
  const list = $("queue-list");
  const keep = new Set(entries.map((entry) => entry.id));
  for (const [id, node] of items) {
    if (!keep.has(id)) {
      node.remove();
      items.delete(id);
    }
  }
  let cursor = list.firstElementChild;
  for (const entry of entries) {
    let node = items.get(entry.id);
    if (node) updateItem(node, entry);
    else items.set(entry.id, (node = queueItem(entry)));
    if (node === cursor) cursor = cursor.nextElementSibling;
    else list.insertBefore(node, cursor);
  }
  view.shown = entries.length;
  renderCounts();
}

function renderCounts() {
  $("queue-count").textContent = number(view.total);
  $("queue-empty").hidden = view.total > 0;
  const pager = $("queue-pager");
  pager.hidden = view.total <= view.limit && view.offset === 0;
  const first = view.shown ? view.offset + 1 : 0;
  $("queue-range").textContent = _("{first}–{last} of {total}", {
    first: number(first),
    last: number(view.offset + view.shown),
    total: number(view.total),
  });
  $("queue-prev").disabled = view.offset === 0;
  $("queue-next").disabled = view.offset + view.shown >= view.total;
}

// Counts in the console's language, as its times are (docs/i18n.md): Bengali digits in Bengali.
function number(n) {
  return n.toLocaleString(language());
}

function queueItem(entry) {
  const li = el("li", "queue-item");
  li.dataset.conversation = entry.id;
  const flag = el("span", "offer-flag", _("Offered to you"));
  const who = el("div", "queue-who");
  const name = el("strong", "queue-name");
  const vip = el("span", "vip-badge", "VIP");
  const locale = el("span", "locale"); // short in the queue; the name on hover
  who.append(name, vip, locale);
  const preview = el("p", "queue-preview");
  preview.dir = "auto"; // the customer's words in their own direction
  const foot = el("div", "queue-foot");
  const wait = el("span", "queue-wait muted");
  const button = el("button", "primary accept", _("Accept"));
  button.type = "button";
  button.addEventListener("click", () => accept(entry.id, button));
  foot.append(wait, button);
  li.append(flag, who, preview, foot);
  li.parts = { flag, name, vip, locale, preview, wait };
  updateItem(li, entry);
  return li;
}

// Change only the text that changed: the node, its button and any focus or hover on them stay.
function updateItem(li, entry) {
  const { flag, name, vip, locale, preview, wait } = li.parts;
  const offered = entry.offered_to === me || offers.has(entry.id);
  li.classList.toggle("offered", offered);
  flag.hidden = !offered;
  setText(name, entry.customer?.name || _("Customer"));
  vip.hidden = !entry.customer?.vip;
  locale.hidden = !entry.customer?.locale;
  setText(locale, entry.customer?.locale || "");
  if (entry.customer?.locale) locale.title = _("Language: {name}", { name: languageName(entry.customer.locale) });
  setText(preview, entry.preview || "…");
  wait.dataset.since = entry.waiting_since;
  setText(wait, _("waiting {time}", { time: waited(entry.waiting_since) }));
}

function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

function accept(id, button) {
  if (!shared.socket.sendNow({ type: "accept", conversation: id })) {
    toast(_("You're offline; accept again once reconnected."));
    return;
  }
  accepting.add(id);
  button.disabled = true;
  button.textContent = _("Accepting…");
}

// The page shown changes only once it has been asked for (offline, the agent keeps the page they see).
function askPage(offset) {
  if (!shared.socket.sendNow({ type: "queue_page", offset })) {
    toast(_("You're offline; try again soon."));
    return;
  }
  view.offset = offset;
  view.asked = Date.now();
}

// The queue changed while a later page is shown: ask for that page again, at most every PAGE_REFRESH_MS.
function refreshLater() {
  if (view.timer) return;
  const wait = Math.max(0, view.asked + PAGE_REFRESH_MS - Date.now());
  view.timer = setTimeout(() => {
    view.timer = null;
    if (view.offset > 0) askPage(view.offset);
  }, wait);
}

function turnPage(step) {
  clearTimeout(view.timer);
  view.timer = null;
  askPage(Math.max(0, view.offset + step * view.limit));
}

$("queue-prev").addEventListener("click", () => turnPage(-1));
$("queue-next").addEventListener("click", () => turnPage(1));

setInterval(() => {
  for (const node of document.querySelectorAll(".queue-wait")) {
    node.textContent = _("waiting {time}", { time: waited(node.dataset.since) });
  }
}, 30000);

// A queue frame: the first page with every change, or the page this console asked for.
export function queueReplace(frame) {
  view.total = frame.total ?? (frame.conversations || []).length;
  view.limit = frame.limit || view.limit;
  const offset = frame.offset || 0;
  if (offset !== view.offset) {
    renderCounts(); // the agent looks at another page: the counts now, that page shortly
    if (offset === 0) refreshLater();
    return;
  }
  renderPage(frame.conversations || []);
  if (!view.shown && view.offset > 0 && view.total > 0) {
    askPage(Math.floor((view.total - 1) / view.limit) * view.limit); // the page emptied: the last one left
  }
}

export function queueOffer(id) {
  offers.add(id);
  const node = items.get(id);
  if (node) {
    node.classList.add("offered");
    node.parts.flag.hidden = false;
  }
  const box = $("toast");
  if (box.hidden || !box.dataset.offer) toast(_("A waiting chat was offered to you.")); // once, not once per offer
  box.dataset.offer = id;
}

// A conversation frame: an offer it settles stops being announced.
export function queueSettle(frame) {
  if (frame.status !== "waiting" && offers.delete(frame.conversation) && $("toast").dataset.offer) {
    $("toast").hidden = true;
  }
}

// True once for the chat this agent asked to accept: its pane then comes to the front.
export function acceptDone(id) {
  return accepting.delete(id);
}

export function acceptFailed(code) {
  for (const id of accepting) {
    const button = items.get(id)?.querySelector(".accept");
    if (button) {
      button.disabled = false;
      button.textContent = _("Accept");
    }
  }
  if (code === "already_taken") accepting.clear();
}
