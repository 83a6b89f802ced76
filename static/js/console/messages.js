// Messages in a chat pane: bubbles, cards, the agent's own sends waiting for their ack, and "Seen".
import { refreshWithSession, renderAttachments } from "../attachments.js";
import { applyCardUpdate, renderBlocks, renderCard, settleSteps } from "../cards.js";
import { t as _ } from "../i18n.js";
import { readMarkers } from "../markers.js";
import { clock, el, postAnswer } from "./kit.js";
import { decorate } from "./safety.js";

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

// To the very end, where the latest words sit just above the composer. (Scrolling the last message "into view"
// lined it up with the pane's bottom edge: behind the composer, which sticks there.)
export function scrollDown(pane) {
  const box = pane.node.querySelector(".pane-main");
  box.scrollTop = box.scrollHeight;
}

// A card or line the helpdesk wrote comes in the agent's language; `customer_view` is the customer's version.
function fillBody(li, frame, view) {
  const box = li.querySelector(".msg-body");
  if (frame.kind !== "card") {
    box.textContent = readMarkers({ body: view.body, redacted: frame.redacted }); // a removed secret's marker, in words
    return;
  }
  const payload = view.payload && typeof view.payload === "object" ? view.payload : { blocks: [{ text: view.body }] };
  const theirs = view !== frame;
  const card = renderCard(payload, {
    viewer: "agent",
    answered: () => false,
    post: postAnswer,
    get: (url) => refreshFor(url, theirs),
  });
  box.replaceChildren(card);
  if (li.latestBlocks) renderBlocks(card.cardBlocks, li.latestBlocks[theirs ? "theirs" : "mine"], card.cardContext);
  // Other apps add their staff-only parts (recovery links a case's card to its page): chat knows none of them.
  document.dispatchEvent(new CustomEvent("helpdesk:card-rendered", { detail: { card, payload, view: theirs } }));
}

// A live card's state after a reload, in the view shown: the server answers in the agent's language with the
// customer's beside it (GET refresh_url, docs/cards.md).
async function refreshFor(url, theirs) {
  const response = await fetch(url, { credentials: "same-origin" });
  if (!theirs || !response.ok) return response;
  const data = await response.json();
  return { ok: true, json: async () => ({ ...data, blocks: data.customer_view?.blocks || data.blocks }) };
}

function viewToggle(pane, li, frame) {
  const button = el("button", "linklike view-toggle", _("As the customer sees it"));
  button.type = "button";
  button.setAttribute("aria-pressed", "false");
  button.addEventListener("click", () => {
    const theirs = button.getAttribute("aria-pressed") !== "true";
    const before = li.querySelector(".card-message");
    const settled = before?.cardContext?.canAnswer === false;
    fillBody(li, frame, theirs ? { kind: frame.kind, ...frame.customer_view } : frame);
    const after = li.querySelector(".card-message");
    if (settled && after) {
      after.cardContext.canAnswer = false; // an answered question stays answered in either language
      for (const control of after.querySelectorAll("button:not(.card-copy-button), input")) control.disabled = true;
    }
    button.setAttribute("aria-pressed", String(theirs));
    button.textContent = theirs ? _("In my language") : _("As the customer sees it");
    li.classList.toggle("customer-view", theirs);
    li.querySelector(".msg-body").lang = theirs ? pane.customer?.locale || "" : "";
  });
  li.querySelector(".msg-head").appendChild(button);
}

// A card_update frame: the live blocks in the agent's language, and the customer's for the other view.
export function cardUpdate(pane, frame) {
  for (const card of pane.list.querySelectorAll(`.card-message[data-ref="${CSS.escape(String(frame.card))}"]`)) {
    const li = card.closest("li");
    li.latestBlocks = { mine: frame.blocks, theirs: frame.customer_view?.blocks || frame.blocks };
    const theirs = li.classList.contains("customer-view");
    applyCardUpdate(li, { ...frame, blocks: li.latestBlocks[theirs ? "theirs" : "mine"] });
  }
}

export function renderMessage(pane, frame) {
  const role = frame.author?.role || "system";
  const li = bubble(frame.kind, role, frame.author?.name, "", frame.created_at);
  li.dataset.seq = frame.seq;
  if (frame.customer_seq) li.dataset.customerSeq = frame.customer_seq;
  fillBody(li, frame, frame);
  if (frame.customer_view) viewToggle(pane, li, frame);
  if (frame.attachments?.length) {
    li.insertBefore(renderAttachments(frame.attachments, { refresh: refreshWithSession }), li.querySelector(".msg-status"));
  }
  decorate(li, frame); // a removed secret, a look-alike link (console/safety.js)
  pane.list.appendChild(li);
  if (frame.payload) settleSteps(pane.list, li.querySelector(".card-message"), frame.payload);
  if (frame.client_msg_id) pendingItem(pane, frame.client_msg_id)?.remove();
  updateSeen(pane);
  scrollDown(pane);
}

export function renderPending(pane, item) {
  const li = bubble(item.frame.kind, "agent", _("You"), item.frame.body, item.created_at);
  li.classList.add("msg-pending");
  li.dataset.clientId = item.frame.client_msg_id;
  const status = li.querySelector(".msg-status");
  status.textContent = _("Waiting to send");
  if (item.frame.attachments?.length) status.before(el("p", "att-count", _("Files: {n}", { n: item.frame.attachments.length })));
  pane.pendingList.appendChild(li);
  scrollDown(pane);
}

function pendingItem(pane, clientMsgId) {
  return pane?.pendingList.querySelector(`[data-client-id="${CSS.escape(clientMsgId)}"]`);
}

export function pendingSent(pane, clientMsgId) {
  const li = pendingItem(pane, clientMsgId);
  if (!li) return;
  li.classList.remove("msg-pending");
  li.querySelector(".msg-status").textContent = _("Sent");
}

export function pendingFailed(pane, clientMsgId, reason) {
  const li = pendingItem(pane, clientMsgId);
  if (!li) return;
  li.classList.add("msg-failed");
  li.querySelector(".msg-status").textContent = _("Not sent: {reason}", { reason });
}

export function updateSeen(pane) {
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
