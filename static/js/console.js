// The agent console: live queue, several chats at once, notes, transfer with a note, end, presence.
// This module connects and routes the server's frames; the parts live in ./console/: kit.js (shared state and
// helpers), queue.js, panes.js (chats and tabs), messages.js, composer.js (drafts, notes, transfer, end),
// view.js (one pane at a time on a phone).
// Typed text is never lost: drafts live in localStorage per conversation, and sends wait in the socket's outbox
// until acknowledged.
import { gettext_noop, t as _, useLanguage } from "./i18n.js";
import { ChatSocket, localStore, socketUrl } from "./socket.js";
import { insertText, saveDraft } from "./console/composer.js";
import { pumpFiles, startFiles } from "./console/files.js";
import { $, me, panes, root, shared, toast } from "./console/kit.js";
import { cardUpdate, pendingFailed, pendingSent, renderMessage, updateSeen } from "./console/messages.js";
import { activate, ensurePane, inFront, markRead, openChat, setUnread, updatePane } from "./console/panes.js";
import { acceptDone, acceptFailed, queueOffer, queueReplace, queueSettle } from "./console/queue.js";
import { notifyMessage, notifyQueue } from "./console/notify.js";
import { showDetails, showView } from "./console/view.js";

const STATE_TEXT = {
  connecting: gettext_noop("Connecting…"),
  online: gettext_noop("Connected"),
  offline: gettext_noop("Offline: you are still holding your chats. Replies wait until you're back."),
  reconnecting: gettext_noop("Reconnecting… your chats stay yours."),
};

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
      if (!inFront(pane)) setUnread(pane, conversation.unread || 0);
    }
    shared.socket.markReady();
    pumpFiles();
  },
  queue(frame) {
    queueReplace(frame);
    if (!frame.offset) notifyQueue(frame, () => showView("list")); // the first page and the counts: what is new
  },
  offer(frame) {
    queueOffer(frame.conversation);
  },
  conversation(frame) {
    queueSettle(frame);
    const mine = frame.assignee?.id === me;
    const held = panes.get(frame.conversation)?.assignee?.id === me;
    if (held && frame.assignee && !mine) {
      const name = panes.get(frame.conversation).customer?.name || _("Customer");
      toast(_("{customer}'s chat is now with {agent}.", { customer: name, agent: frame.assignee.name }));
    }
    if (!panes.has(frame.conversation) && !(mine && frame.status === "active")) return;
    const pane = ensurePane(frame);
    if (acceptDone(frame.conversation)) openChat(pane.id);
    else if (mine && !shared.activeId) activate(pane.id);
  },
  message(frame) {
    const pane = panes.get(frame.conversation);
    if (!pane) return;
    renderMessage(pane, frame);
    if (frame.payload?.type === "ended") updatePane(pane, { status: "ended" });
    if (frame.author?.role !== "customer") return;
    pane.node.querySelector(".pane-typing").hidden = true;
    if (inFront(pane)) markRead(pane);
    else {
      setUnread(pane, pane.unread + 1);
      if (pane.synced) notifyMessage(pane, frame, () => openChat(pane.id)); // news, not the history replayed
    }
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
    if (pane) cardUpdate(pane, frame);
  },
  presence(frame) {
    $("presence").value = frame.status;
  },
  resumed(frame) {
    const pane = panes.get(frame.conversation);
    if (pane) pane.synced = true;
  },
  error(frame) {
    acceptFailed(frame.code);
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
  // 4401: this staff session has ended (signed out elsewhere, ended from the sessions page, a password or factor
  // change, or its hours are over). Reloading leads to the sign-in page; unsent messages wait in the outbox.
  onUnauthorized() {
    location.reload();
    return new Promise(() => {});
  },
  onAck(item, frame) {
    pendingSent(panes.get(frame.conversation), frame.client_msg_id);
  },
  onFailed(item, frame) {
    const pane = panes.get(item.frame.conversation);
    pendingFailed(pane, item.frame.client_msg_id, frame.detail);
    if (pane && !pane.input.value) {
      pane.input.value = item.frame.body; // give the words back rather than lose them
      saveDraft(pane);
    }
  },
});
shared.socket = socket;
startFiles(socket);

$("presence").addEventListener("change", (event) => {
  if (!socket.sendNow({ type: "presence", status: event.target.value })) toast(_("You're offline; try again soon."));
});

document.addEventListener("helpdesk:insert-text", (event) => {
  const { conversationId, text } = event.detail || {};
  const pane = panes.get(Number(conversationId));
  if (!pane || typeof text !== "string") return;
  insertText(pane, text);
  showDetails(pane, false); // on a phone the ticket made way for the composer: back to the words
  openChat(pane.id);
  pane.input.focus();
});

document.addEventListener("visibilitychange", () => {
  const pane = panes.get(shared.activeId);
  if (pane) markRead(pane);
});

// The agent's own language (the page's), then connect; without a catalogue the English text stays.
await useLanguage(document.documentElement.lang || "en");
socket.start();
