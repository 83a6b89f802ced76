// The widget's attachments: the attach button, paste and drop, the tray of chosen files, pending messages with
// their progress bars, and the files shown in messages. The parts themselves are in ../js/attachments.js and
// ../js/file-outbox.js, which are loaded (side by side) once the widget is online (or as soon as a file is chosen or
// shown): on a 2G link the chat opens without waiting for them (docs/i18n.md, "Slow links").
import { wireChoosing } from "../js/choosing.js";
import { t as _ } from "../js/i18n.js";

const $ = (id) => document.getElementById(id);
let parts = null; // ../js/attachments.js and ../js/file-outbox.js, once loaded

function load() {
  load.promise ||= Promise.all([import("../js/attachments.js"), import("../js/file-outbox.js")]).then(
    ([shown, sending]) => (parts = { ...shown, ...sending }),
  );
  return load.promise;
}

// widget: what widget.js lends: {root, input, pendingList, bubble, notice, scrollDown, token(), renewToken()}
export function widgetFiles(widget) {
  const { root, input, pendingList } = widget;
  const boxes = new Map(); // client_msg_id -> the pending bubble's files box
  let tray = null;
  let outbox = null;
  let socket = null;
  let owner = "";

  const choose = (files) =>
    load().then(() => {
      tray ||= new parts.Tray({ list: $("w-tray"), maxBytes: Number(root.dataset.attachmentMax), onProblem: widget.notice });
      return tray.add(files);
    });
  wireChoosing({ button: $("w-attach"), picker: $("w-file"), textbox: input, zone: root, onFiles: choose });

  const bearer = () => ({ Authorization: `Bearer ${widget.token()}` });
  const refresh = async (id) => {
    const response = await fetch(`/chat/attachments/${id}/`, { headers: bearer() });
    return response.ok ? response.json() : null;
  };

  const bubbleOf = (record) => pendingList.querySelector(`[data-client-id="${CSS.escape(record.id)}"]`);

  function render(record) {
    const li = widget.bubble("customer", record.body, record.created_at);
    li.classList.add("msg-pending");
    li.dataset.clientId = record.id;
    li.querySelector(".msg-status").textContent = _("Waiting to send");
    const box = parts.pendingFiles(record, { onCancel: (r) => outbox.cancel(r) });
    li.insertBefore(box, li.querySelector(".msg-meta"));
    boxes.set(record.id, box);
    pendingList.appendChild(li);
    if (record.failed) failed(record, record.failed);
    $("w-empty").hidden = true;
    widget.scrollDown();
  }

  function failed(record, reason) {
    const li = bubbleOf(record);
    if (!li) return;
    li.classList.add("msg-failed");
    li.querySelector(".msg-status").textContent = _("Not sent: {reason}", { reason });
    li.querySelector(".att-cancel").textContent = _("Remove");
  }

  function onEvent(record, what, detail) {
    if (what === "progress") parts.showProgress(boxes.get(record.id), detail.index, detail.fraction);
    else if (what === "failed") failed(record, detail.reason);
    else if (what === "gone") {
      boxes.delete(record.id);
      bubbleOf(record)?.remove();
    }
  }

  // The outbox of messages with files, and what it still holds from before a reload.
  function ensureOutbox() {
    if (outbox) return outbox;
    const url = "/chat/attachments/";
    outbox = new parts.FileOutbox({ owner, socket, url, headers: bearer, onEvent, onUnauthorized: widget.renewToken });
    outbox.all().then((records) => records.filter((r) => !bubbleOf(r)).forEach(render));
    return outbox;
  }

  return {
    // Files are chosen: Send sends them (the words may be empty).
    chosen: () => Boolean(tray?.items.length),
    start(chatSocket, outboxOwner) {
      socket = chatSocket;
      owner = outboxOwner;
    },
    // The socket said welcome: load the parts in the background, then send what waits.
    online() {
      load().then(() => ensureOutbox().pump());
    },
    async send(body) {
      render(await ensureOutbox().add({ body, items: tray.take() }));
    },
    // The files of a message frame, under its words (drawn once the parts are here).
    decorate(li, frame) {
      if (!frame.attachments?.length) return;
      load().then(() => {
        li.insertBefore(parts.renderAttachments(frame.attachments, { refresh }), li.querySelector(".msg-meta"));
        widget.scrollDown();
      });
    },
    // A message handed to the socket before a reload: its files are uploaded; say how many.
    note(li, frame) {
      const count = frame.attachments?.length;
      if (!count) return;
      const line = Object.assign(document.createElement("p"), { className: "att-count" });
      line.textContent = _("Files: {n}", { n: count });
      li.insertBefore(line, li.querySelector(".msg-meta"));
    },
  };
}
