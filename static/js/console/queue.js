// The waiting queue: who waits and for how long, offers from auto-offer, and accepting a chat.
import { t as _, duration } from "../i18n.js";
import { $, el, languageName, me, shared, toast } from "./kit.js";

const offers = new Set();
const accepting = new Set();
let queue = [];

function waited(iso) {
  const seconds = Math.max(0, (Date.now() - new Date(iso).getTime()) / 1000);
  return seconds < 60 ? _("just now") : duration(seconds, { smallest: "minute" });
}

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
  if (!shared.socket.sendNow({ type: "accept", conversation: id })) {
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

export function queueReplace(conversations) {
  queue = conversations;
  renderQueue();
}

export function queueOffer(id) {
  offers.add(id);
  renderQueue();
  toast(_("A waiting chat was offered to you."));
  $("toast").dataset.offer = id;
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
    const button = document.querySelector(`.queue-item[data-conversation="${id}"] .accept`);
    if (button) {
      button.disabled = false;
      button.textContent = _("Accept");
    }
  }
  if (code === "already_taken") accepting.clear();
}
