// The widget's attachments: the attach button, paste and drop, the tray of chosen files, pending messages with
// their progress bars, and the files shown in messages. The parts themselves are in ../js/attachments.js.
import { FileOutbox, Tray, pendingFiles, renderAttachments, showProgress, wireChoosing } from "../js/attachments.js";
import { t as _ } from "../js/i18n.js";

const $ = (id) => document.getElementById(id);

// widget: what widget.js lends: {root, input, pendingList, bubble, notice, scrollDown, token(), renewToken()}
export function widgetFiles(widget) {
  const { root, input, pendingList } = widget;
  const boxes = new Map(); // client_msg_id -> the pending bubble's files box
  const tray = new Tray({ list: $("w-tray"), maxBytes: Number(root.dataset.attachmentMax), onProblem: widget.notice });
  let outbox = null;
  wireChoosing({ button: $("w-attach"), picker: $("w-file"), textbox: input, zone: root, onFiles: (f) => tray.add(f) });

  const refresh = async (id) => {
    const response = await fetch(`/chat/attachments/${id}/`, { headers: { Authorization: `Bearer ${widget.token()}` } });
    return response.ok ? response.json() : null;
  };

  function render(record) {
    const li = widget.bubble("customer", record.body, record.created_at);
    li.classList.add("msg-pending");
    li.dataset.clientId = record.id;
    li.querySelector(".msg-status").textContent = _("Waiting to send");
    const box = pendingFiles(record, { onCancel: (r) => outbox.cancel(r) });
    li.insertBefore(box, li.querySelector(".msg-meta"));
    boxes.set(record.id, box);
    pendingList.appendChild(li);
    if (record.failed) failed(record, record.failed);
    $("w-empty").hidden = true;
    widget.scrollDown();
  }

  function failed(record, reason) {
    const li = pendingList.querySelector(`[data-client-id="${CSS.escape(record.id)}"]`);
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
      pendingList.querySelector(`[data-client-id="${CSS.escape(record.id)}"]`)?.remove();
    }
  }

  return {
    // Files are chosen: Send sends them (the words may be empty).
    chosen: () => tray.items.length > 0,
    start(socket, owner) {
      const headers = () => ({ Authorization: `Bearer ${widget.token()}` });
      outbox = new FileOutbox({ owner, socket, url: "/chat/attachments/", headers, onEvent, onUnauthorized: widget.renewToken });
      outbox.all().then((records) => records.forEach(render));
    },
    async send(body) {
      render(await outbox.add({ body, items: tray.take() }));
    },
    pump: () => outbox?.pump(),
    // The files of a message frame, under its words.
    decorate(li, frame) {
      if (frame.attachments?.length) li.insertBefore(renderAttachments(frame.attachments, { refresh }), li.querySelector(".msg-meta"));
    },
    // A message handed to the socket before a reload: its files are uploaded; say how many.
    note(li, frame) {
      const count = frame.attachments?.length;
      if (count) li.insertBefore(Object.assign(document.createElement("p"), { className: "att-count", textContent: _("Files: {n}", { n: count }) }), li.querySelector(".msg-meta"));
    },
  };
}
