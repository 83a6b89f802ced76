// Chat panes and their tabs: several chats at once, one in front, unread counts, read receipts, closing.
import { t as _ } from "../i18n.js";
import { restoreDraft, wireComposer } from "./composer.js";
import { $, el, languageName, me, panes, shared } from "./kit.js";
import { renderPending, scrollDown } from "./messages.js";
import { updateTitle } from "./notify.js";
import { inSight, showDetails, showView, singlePane } from "./view.js";

export function ensurePane(frame) {
  const id = frame.conversation;
  let pane = panes.get(id);
  if (!pane) pane = createPane(frame);
  updatePane(pane, frame);
  return pane;
}

function createPane(frame) {
  const { socket } = shared;
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
  wireComposer(pane);
  node.querySelector(".close-pane").addEventListener("click", () => closePane(pane));
  panes.set(id, pane);
  $("panes").appendChild(node);
  $("no-chats").hidden = true;
  fillContext(pane);
  wireNarrow(pane);
  restoreDraft(pane);
  for (const item of socket.pending(id)) renderPending(pane, item);
  socket.track(id);
  socket.sendNow({ type: "resume", conversation: id, after_seq: socket.lastSeq(id) });
  if (shared.activeId === null) activate(id);
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
  pane.context.id = `context-${pane.id}`;
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
  tab.appendChild(el("span", "tab-note")); // where the chat went: "with Mei Chen", "ended"
  tab.appendChild(el("span", "unread"));
  tab.addEventListener("click", () => openChat(pane.id));
  $("tabs").appendChild(tab);
  return tab;
}

export function updatePane(pane, frame) {
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
  pane.tab.querySelector(".tab-note").textContent = mine ? "" : status;
  pane.node.classList.toggle("readonly", !open || !mine);
  pane.node.querySelector(".transfer-open").hidden = !(open && mine);
  pane.node.querySelector(".recovery-start").hidden = !(open && mine);
  pane.node.querySelector(".end-chat").hidden = !(open && mine);
  pane.node.querySelector(".close-pane").hidden = open && mine;
  pane.node.querySelector(".composer-send").disabled = !open;
  pane.tab.classList.toggle("ended", !open || !mine);
}

export function activate(id) {
  shared.activeId = id;
  for (const pane of panes.values()) {
    const on = pane.id === id;
    pane.node.hidden = !on;
    pane.tab.setAttribute("aria-selected", on ? "true" : "false");
    pane.tab.classList.toggle("active", on);
  }
  const pane = panes.get(id);
  if (pane) {
    markRead(pane);
    // On a phone the keyboard would cover the customer's words: the chat's name takes the focus instead.
    if (singlePane()) pane.node.querySelector(".pane-name").focus();
    else pane.input.focus();
    scrollDown(pane);
  }
}

// The agent chose this chat (its tab, accepting it, a canned reply): on a phone it takes the whole screen.
export function openChat(id) {
  showView("chat");
  activate(id);
}

function wireNarrow(pane) {
  const toggle = pane.node.querySelector(".details-toggle");
  toggle.setAttribute("aria-controls", pane.context.id);
  toggle.addEventListener("click", () => {
    const open = !pane.node.classList.contains("details-open");
    showDetails(pane, open);
    if (!open) markRead(pane);
  });
  pane.node.querySelector(".pane-back").addEventListener("click", () => {
    showDetails(pane, false);
    showView("list");
    pane.tab.focus();
  });
}

function closePane(pane) {
  shared.socket.sendNow({ type: "unwatch", conversation: pane.id });
  shared.socket.untrack(pane.id);
  pane.node.remove();
  pane.tab.remove();
  panes.delete(pane.id);
  showView("list");
  if (shared.activeId === pane.id) {
    shared.activeId = null;
    const next = panes.keys().next();
    if (!next.done) activate(next.value);
  }
  $("no-chats").hidden = panes.size > 0;
}

export function setUnread(pane, count) {
  pane.unread = count;
  const badge = pane.tab.querySelector(".unread");
  badge.textContent = count ? String(count) : "";
  badge.hidden = !count;
  const total = [...panes.values()].reduce((sum, p) => sum + p.unread, 0);
  for (const other of panes.values()) {
    const back = other.node.querySelector(".back-unread"); // what waits in the other chats
    back.textContent = total - other.unread ? String(total - other.unread) : "";
    back.hidden = !(total - other.unread);
  }
  updateTitle();
}

// Whether a customer's new message is read as it arrives, or counted as unread.
export function inFront(pane) {
  return pane.id === shared.activeId && inSight(pane);
}

export function markRead(pane) {
  if (!inFront(pane)) return;
  const last = shared.socket.lastSeq(pane.id);
  if (last > (pane.readSent || 0) && shared.socket.sendNow({ type: "read", conversation: pane.id, seq: last })) {
    pane.readSent = last;
  }
  setUnread(pane, 0);
}
