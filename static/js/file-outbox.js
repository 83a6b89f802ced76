// The outbox of messages with files (docs/widget.md, "Attachments"), shared by the widget and the console: each
// message's files are kept in IndexedDB until they are uploaded and the message is handed to the socket's own outbox
// (localStorage) under the same client_msg_id: a file picked offline is sent once the link returns, after a reload
// too, and never twice (the server answers a repeated client_msg_id with the original). What the customer or the
// agent sees of it (the tray, the pending bubble's progress bars) is in ./attachments.js.
import { newClientId } from "./socket.js";
import { t as _ } from "./i18n.js";

const RETRY_MS = 5000;

function upload(url, { file, conversation, headers }, onProgress, signal) {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (event) => event.lengthComputable && onProgress(event.loaded / event.total);
    xhr.onload = () => {
      let body = {};
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        /* a proxy's HTML error page */
      }
      resolve({ status: xhr.status, body });
    };
    xhr.onerror = xhr.ontimeout = () => resolve({ status: 0, body: {} });
    xhr.onabort = () => resolve({ status: -1, body: {} });
    signal.addEventListener("abort", () => xhr.abort());
    const form = new FormData();
    form.append("file", file.blob, file.name);
    if (conversation) form.append("conversation", conversation);
    xhr.send(form);
  });
}

// Where the messages with files wait: IndexedDB (they hold the files themselves); memory when it is unavailable.
function openStore() {
  return new Promise((resolve) => {
    if (!window.indexedDB) return resolve(null);
    const request = indexedDB.open("helpdesk-files", 1);
    request.onupgradeneeded = () => request.result.createObjectStore("outbox", { keyPath: "id" });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => resolve(null);
  });
}

function idb(db, mode, work) {
  return new Promise((resolve, reject) => {
    const tx = db.transaction("outbox", mode);
    const result = work(tx.objectStore("outbox"));
    tx.oncomplete = () => resolve(result.result);
    tx.onerror = tx.onabort = () => reject(tx.error);
  });
}

export class FileOutbox {
  // owner: whose outbox (the exchange user, or the agent); socket: the ChatSocket; url: the upload endpoint;
  // headers(): the credentials of one upload; onEvent(record, what, detail): "progress", "sent", "failed", "gone".
  constructor({ owner, socket, url, headers, onEvent, onUnauthorized }) {
    Object.assign(this, { owner, socket, url, headers, onEvent, onUnauthorized });
    this.memory = new Map();
    this.db = openStore();
    this.running = null;
    this.abort = null;
    addEventListener("online", () => this.pump());
  }

  async all() {
    const db = await this.db;
    const records = db ? await idb(db, "readonly", (store) => store.getAll()) : [...this.memory.values()];
    return records.filter((r) => r.owner === this.owner).sort((a, b) => a.created_at.localeCompare(b.created_at));
  }

  async save(record) {
    const db = await this.db;
    if (db) await idb(db, "readwrite", (store) => store.put(record));
    else this.memory.set(record.id, record);
  }

  async drop(id) {
    const db = await this.db;
    if (db) await idb(db, "readwrite", (store) => store.delete(id));
    else this.memory.delete(id);
  }

  // A message with files: stored first (files included), then sent when it can be. Returns the record.
  async add({ conversation = null, kind = "text", body, items }) {
    const record = {
      id: newClientId(), // the message's client_msg_id, from the first upload to the ack
      owner: this.owner,
      conversation,
      kind,
      body,
      created_at: new Date().toISOString(),
      files: items.map(({ file, preview }) => ({ blob: file, name: file.name, size: file.size, preview, attachment: null })),
    };
    await this.save(record);
    this.pump();
    return record;
  }

  async cancel(record) {
    if (this.current === record.id) this.abort?.abort();
    await this.drop(record.id);
    this.onEvent(record, "gone");
  }

  // Uploads, then sends, one message at a time in the order they were written. One tab at a time per owner.
  pump() {
    if (this.running || !this.socket.ready || navigator.onLine === false) return;
    // Another tab holding the lock is at work on the same outbox: look again a little later.
    const work = navigator.locks
      ? navigator.locks.request(`helpdesk-files-${this.owner}`, { ifAvailable: true }, (lock) => (lock ? this.run() : this.later()))
      : this.run();
    this.running = Promise.resolve(work).finally(() => (this.running = null));
  }

  later() {
    clearTimeout(this.retry);
    this.retry = setTimeout(() => this.pump(), RETRY_MS);
  }

  async run() {
    for (const record of await this.all()) {
      if (record.failed) continue;
      const outcome = await this.uploadAll(record);
      if (outcome === "later") return this.later();
      if (outcome === "sent") {
        const frame = { client_msg_id: record.id, body: record.body, kind: record.kind };
        frame.attachments = record.files.map((file) => file.attachment.id);
        if (record.conversation) frame.conversation = record.conversation;
        this.socket.send(frame); // now in the socket's outbox, under the same client_msg_id, until its ack
        await this.drop(record.id);
        this.onEvent(record, "sent");
      }
    }
  }

  // "sent" (every file uploaded), "later" (offline, rate-limited, the server unreachable) or "failed".
  async uploadAll(record) {
    for (const [index, file] of record.files.entries()) {
      if (file.attachment) continue;
      this.current = record.id;
      this.abort = new AbortController();
      const { status, body } = await upload(
        this.url,
        { file, conversation: record.conversation, headers: await this.headers() },
        (fraction) => this.onEvent(record, "progress", { index, fraction }),
        this.abort.signal,
      );
      this.current = null;
      if (status === -1) return "gone"; // cancelled: the record is already dropped
      if (status === 201) {
        file.attachment = { id: body.id, name: body.name };
        await this.save(record);
        this.onEvent(record, "progress", { index, fraction: 1 });
        continue;
      }
      if (status === 401 && this.onUnauthorized) {
        await this.onUnauthorized();
        return "later";
      }
      if (status === 0 || status === 429 || status >= 500) return "later";
      record.failed = body.detail || _("This file could not be sent.");
      await this.save(record);
      this.onEvent(record, "failed", { reason: record.failed });
      return "failed";
    }
    return "sent";
  }
}
