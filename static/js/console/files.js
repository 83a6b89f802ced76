// Attachments in the console: each chat's attach button, paste and drop, its tray of chosen files, replies and
// internal notes with files (uploaded, then sent; they wait in the outbox while offline), and files in messages,
// pictures opening in the viewer. The parts themselves are in ../attachments.js and ../file-outbox.js.
import { Tray, pendingFiles, showProgress } from "../attachments.js";
import { FileOutbox } from "../file-outbox.js";
import { wireChoosing } from "../choosing.js";
import { t as _ } from "../i18n.js";
import { csrfToken, me, panes, root, toast } from "./kit.js";
import { renderPending } from "./messages.js";

const boxes = new Map(); // client_msg_id -> the pending bubble's files box
let outbox = null;

function bubbleOf(record) {
  const pane = panes.get(record.conversation);
  return pane?.pendingList.querySelector(`[data-client-id="${CSS.escape(record.id)}"]`);
}

function render(pane, record) {
  renderPending(pane, { frame: { kind: record.kind, body: record.body, client_msg_id: record.id }, created_at: record.created_at });
  const li = bubbleOf(record);
  const box = pendingFiles(record, { onCancel: (r) => outbox.cancel(r) });
  li.insertBefore(box, li.querySelector(".msg-status"));
  boxes.set(record.id, box);
  if (record.failed) failed(record, record.failed);
}

function failed(record, reason) {
  const li = bubbleOf(record);
  if (!li) return;
  li.classList.add("msg-failed");
  li.querySelector(".msg-status").textContent = _("Not sent: {reason}", { reason });
  li.querySelector(".att-cancel").textContent = _("Remove");
}

function onEvent(record, what, detail) {
  if (what === "progress") showProgress(boxes.get(record.id), detail.index, detail.fraction);
  else if (what === "failed") failed(record, detail.reason);
  else if (what === "gone") {
    boxes.delete(record.id);
    bubbleOf(record)?.remove();
  }
}

export function startFiles(socket) {
  const headers = () => ({ "X-CSRFToken": csrfToken() });
  outbox = new FileOutbox({ owner: `console.${me}`, socket, url: "/chat/attachments/", headers, onEvent });
}

export function pumpFiles() {
  outbox?.pump();
}

// A chat pane opened: its attach button, paste, drop and tray; its messages with files still on their way.
document.addEventListener("helpdesk:chat-opened", (event) => {
  const pane = panes.get(event.detail.conversationId);
  if (!pane || pane.files) return;
  const form = pane.node.querySelector(".composer");
  const tray = new Tray({ list: form.querySelector(".att-tray"), maxBytes: Number(root.dataset.attachmentMax), onProblem: toast });
  const zone = pane.node.querySelector(".pane-main");
  const onFiles = (files) => tray.add(files);
  wireChoosing({ button: form.querySelector(".att-attach"), picker: form.querySelector(".att-picker"), textbox: pane.input, zone, onFiles });
  pane.files = {
    chosen: () => tray.items.length > 0,
    async send(body, kind) {
      render(pane, await outbox.add({ conversation: pane.id, kind, body, items: tray.take() }));
    },
  };
  outbox?.all().then((records) => records.filter((r) => r.conversation === pane.id).forEach((r) => render(pane, r)));
});
