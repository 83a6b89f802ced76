// Messages in a chat pane: bubbles, cards, the agent's own sends waiting for their ack, and "Seen".
import { refreshWithSession, renderAttachments } from "../attachments.js";
import { renderCard, settleSteps } from "../cards.js";
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

export function renderMessage(pane, frame) {
  const role = frame.author?.role || "system";
  const li = bubble(frame.kind, role, frame.author?.name, frame.kind === "card" ? "" : readMarkers(frame), frame.created_at);
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
